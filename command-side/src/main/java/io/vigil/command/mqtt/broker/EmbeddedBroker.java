package io.vigil.command.mqtt.broker;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import io.vigil.command.MqttProperties;
import io.vigil.command.mqtt.MqttAccessPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * An MQTT broker inside this process for the local run (HiveMQ CE), so the device channel works with nothing else
 * installed. It starts in an early lifecycle phase, before the cloud's own MQTT client, and stops after it; devices
 * are authenticated and confined by {@link MqttAccessPolicy} ({@link BrokerAccess}). Sessions and queued messages
 * live in {@code dataDir}; without one, in memory for this run only.
 */
@Component
@ConditionalOnProperty(name = "vigil.mqtt.embedded-broker.enabled", havingValue = "true")
public class EmbeddedBroker implements SmartLifecycle {
    public static final int PHASE = Integer.MIN_VALUE + 100;
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final long STOP_TIMEOUT_SECONDS = 20;
    private static final long MAX_SESSION_EXPIRY_SECONDS = 4_294_967_295L;
    private final MqttProperties.EmbeddedBroker settings;
    private final MqttAccessPolicy policy;
    private volatile EmbeddedHiveMQ broker;
    private Path workDir;

    public EmbeddedBroker(MqttProperties properties, MqttAccessPolicy policy) {
        this.settings = properties.embeddedBroker();
        this.policy = policy;
    }

    @Override
    public synchronized void start() {
        if (broker != null) {
            return;
        }
        EmbeddedHiveMQ starting = null;
        try {
            workDir = Files.createTempDirectory("vigil-mqtt-");
            Path config = Files.createDirectories(workDir.resolve("conf"));
            Files.writeString(config.resolve("config.xml"), configXml());
            Path data = settings.dataDir() != null ? Files.createDirectories(settings.dataDir()) : workDir.resolve("data");
            starting = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(config)
                    .withDataFolder(data)
                    .withExtensionsFolder(Files.createDirectories(workDir.resolve("extensions")))
                    .withEmbeddedExtension(EmbeddedExtension.builder()
                            .withId("vigil-mqtt-access").withName("Vigil MQTT access").withVersion("1").withAuthor("Vigil")
                            .withPriority(1000).withStartPriority(1000)
                            .withExtensionMain(new BrokerAccess(policy))
                            .build())
                    // Spring Boot owns logging; HiveMQ's bootstrap would reset Logback
                    .withoutLoggingBootstrap()
                    .build();
            // the embedded build admits a client no authenticator decided on; Vigil's always decides, and this
            // keeps it so should one ever not
            InternalConfigurations.AUTH_DENY_UNAUTHENTICATED_CONNECTIONS.set(true);
            starting.start().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            broker = starting;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the embedded MQTT broker's folders", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the embedded MQTT broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The embedded MQTT broker did not start on " + address(), e);
        } finally {
            if (broker == null) {
                shutDown(starting);
            }
        }
        log.info("Embedded MQTT broker listening on {} (sessions {})", address(),
                settings.dataDir() != null ? "in " + settings.dataDir() : "in memory");
    }

    @Override
    public synchronized void stop() {
        EmbeddedHiveMQ running = broker;
        broker = null;
        shutDown(running);
    }

    private void shutDown(EmbeddedHiveMQ hivemq) {
        try {
            if (hivemq != null) {
                hivemq.stop().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                hivemq.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("The embedded MQTT broker did not stop cleanly within {} s", STOP_TIMEOUT_SECONDS, e);
        } finally {
            deleteWorkDir();
        }
    }

    @Override
    public boolean isRunning() {
        return broker != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    public String address() {
        return "tcp://" + settings.host() + ":" + settings.port();
    }

    String configXml() {
        long sessionExpiry = Math.min(Math.max(settings.sessionExpiry().toSeconds(), 0), MAX_SESSION_EXPIRY_SECONDS);
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                            <name>vigil-devices</name>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <session-expiry>
                            <max-interval>%d</max-interval>
                        </session-expiry>
                    </mqtt>
                    <persistence>
                        <mode>%s</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(settings.port(), xml(settings.host()), sessionExpiry,
                settings.dataDir() != null ? "file" : "in-memory");
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private void deleteWorkDir() {
        if (workDir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.debug("Could not delete {}", workDir, e);
        }
        workDir = null;
    }
}
