package io.vigil.command.mqtt.broker;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.vigil.command.mqtt.MqttAccessPolicy;
import io.vigil.command.mqtt.MqttAccessPolicy.Access;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker's security, as a HiveMQ extension: CONNECT is checked against {@link MqttAccessPolicy} off
 * HiveMQ's event loop (a device's key is a database look-up), what the connection proved is kept in its connection
 * attributes, and every PUBLISH, will and SUBSCRIBE is authorised from them.
 * <p>
 * A refused PUBLISH is stopped by the inbound interceptor, which answers an MQTT 5 client with a NOT_AUTHORIZED
 * PUBACK and keeps it connected; HiveMQ CE's own publish authorisation always disconnects after its PUBACK, so the
 * {@link PublishAuthorizer} only decides what never passes the interceptor: a CONNECT's will (refused, the CONNECT
 * is refused). A refused subscription gets NOT_AUTHORIZED in the SUBACK. Every path ends in an explicit decision:
 * HiveMQ's embedded mode lets an undecided CONNECT in.
 */
final class BrokerAccess implements ExtensionMain, SimpleAuthenticator, PublishInboundInterceptor, PublishAuthorizer,
        SubscriptionAuthorizer {
    private static final Logger log = LoggerFactory.getLogger(BrokerAccess.class);
    private static final String ACCESS = "vigil.access";
    private static final String USERNAME = "vigil.username";
    private static final String NOT_ALLOWED_TO_PUBLISH = "Not allowed to publish to this topic";
    private static final Duration AUTHENTICATION_TIMEOUT = Duration.ofSeconds(10);
    private final MqttAccessPolicy policy;

    BrokerAccess(MqttAccessPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        Services.securityRegistry().setAuthenticatorProvider(provider -> this);
        Services.securityRegistry().setAuthorizerProvider(provider -> this);
        Services.initializerRegistry().setClientInitializer((client, context) -> context.addPublishInboundInterceptor(this));
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        ConnectPacket connect = input.getConnectPacket();
        String username = connect.getUserName().orElse(null);
        String password = connect.getPassword().map(p -> StandardCharsets.UTF_8.decode(p).toString()).orElse(null);
        String clientId = connect.getClientId();
        ConnectionAttributeStore attributes = input.getConnectionInformation().getConnectionAttributeStore();
        Async<SimpleAuthOutput> async = output.async(AUTHENTICATION_TIMEOUT, TimeoutFallback.FAILURE,
                ConnackReasonCode.SERVER_UNAVAILABLE, "Authentication took too long");
        Services.extensionExecutorService().submit(() -> {
            try {
                Access access = policy.authenticate(username, password);
                if (access == Access.DENIED) {
                    output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD,
                            "Unknown user name or password (a device connects with its id and one of its keys)");
                } else if (!policy.mayUseClientId(access, username, clientId)) {
                    output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                            "A device's client id must be its device id");
                } else {
                    attributes.putAsString(ACCESS, access.name());
                    attributes.putAsString(USERNAME, username);
                    output.authenticateSuccessfully();
                }
            } catch (RuntimeException e) {
                log.warn("Could not authenticate MQTT client '{}' (user '{}')", clientId, username, e);
                output.failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE, "Authentication is unavailable");
            } finally {
                async.resume();
            }
        });
    }

    @Override
    public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        if (!mayPublish(input.getConnectionInformation().getConnectionAttributeStore(), input.getPublishPacket().getTopic())) {
            output.preventPublishDelivery(AckReasonCode.NOT_AUTHORIZED, NOT_ALLOWED_TO_PUBLISH);
        }
    }

    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
        if (mayPublish(input.getConnectionInformation().getConnectionAttributeStore(), input.getPublishPacket().getTopic())) {
            output.authorizeSuccessfully();
        } else {
            output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, NOT_ALLOWED_TO_PUBLISH);
        }
    }

    @Override
    public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
        ConnectionAttributeStore attributes = input.getConnectionInformation().getConnectionAttributeStore();
        if (policy.maySubscribe(access(attributes), username(attributes), input.getSubscription().getTopicFilter())) {
            output.authorizeSuccessfully();
        } else {
            output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "Not allowed to subscribe to this topic filter");
        }
    }

    private boolean mayPublish(ConnectionAttributeStore attributes, String topic) {
        return policy.mayPublish(access(attributes), username(attributes), topic);
    }

    private static Access access(ConnectionAttributeStore attributes) {
        return attributes.getAsString(ACCESS).map(Access::valueOf).orElse(Access.DENIED);
    }

    private static String username(ConnectionAttributeStore attributes) {
        return attributes.getAsString(USERNAME).orElse(null);
    }
}
