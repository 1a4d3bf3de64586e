package io.vigil.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.DomainException;
import io.vigil.core.OrgId;
import java.time.Instant;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceTest {
    static final DeviceId CAM = new DeviceId("FLOOR1");
    static final OrgId ACME = new OrgId("acme");
    static final OrgId GLOBEX = new OrgId("globex");
    static final TriggerConfig EVERY_MINUTE = new TriggerConfig(true, 60, null, null);
    static final Instant NOON = Instant.parse("2026-12-02T12:00:00Z");

    AggregateTestFixture<Device> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Device.class);
    }

    private static DeviceRegistered registered() {
        return new DeviceRegistered(CAM, ACME, "Floor 1", "UTC", EVERY_MINUTE);
    }

    @Test
    void registration_records_the_device_and_its_first_key_hashed() {
        DeviceKey key = DeviceKey.generate();
        fixture.givenNoPriorActivity()
                .when(new RegisterDevice(CAM, ACME, "Floor 1", "UTC", EVERY_MINUTE, key.id(), key.hash()))
                .expectEvents(registered(), new DeviceKeyIssued(CAM, ACME, key.id(), key.hash(), null));
        assertThat(key.hash()).hasSize(64).doesNotContain(key.secret());
        assertThat(DeviceKey.generate().secret()).isNotEqualTo(key.secret());
    }

    @Test
    void a_change_records_only_what_differs_and_answers_the_new_state() {
        TriggerConfig cron = new TriggerConfig(true, null, "*/5 * * * *", null);
        fixture.given(registered())
                .when(new ChangeDevice(CAM, ACME, "Floor 1", DeviceStatus.INACTIVE, null, cron))
                .expectEvents(new DeviceStatusChanged(CAM, ACME, DeviceStatus.INACTIVE),
                        new DeviceTriggerConfigured(CAM, ACME, "UTC", cron))
                .expectResultMessagePayload(new DeviceState(CAM, ACME, "Floor 1", DeviceStatus.INACTIVE, "UTC", cron));
        fixture.given(registered())
                .when(new ChangeDevice(CAM, ACME, "Floor 1", DeviceStatus.ACTIVE, "UTC", EVERY_MINUTE))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void another_organisation_is_told_the_device_does_not_exist() {
        fixture.given(registered())
                .when(new ChangeDevice(CAM, GLOBEX, "mine", null, null, null))
                .expectNoEvents()
                .expectException(DomainException.class)
                .expectExceptionMessage("No device 'FLOOR1'");
        fixture.given(registered())
                .when(new RevokeDeviceKey(CAM, GLOBEX, "key_1"))
                .expectNoEvents()
                .expectException(DomainException.class);
    }

    @Test
    void a_revocation_is_recorded_once_and_an_unknown_key_is_not_found() {
        DeviceKeyIssued first = new DeviceKeyIssued(CAM, ACME, "key_1", "h1", null);
        fixture.given(registered(), first)
                .when(new RevokeDeviceKey(CAM, ACME, "key_1"))
                .expectEvents(new DeviceKeyRevoked(CAM, ACME, "key_1"));
        fixture.given(registered(), first, new DeviceKeyRevoked(CAM, ACME, "key_1"))
                .when(new RevokeDeviceKey(CAM, ACME, "key_1"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(registered(), first)
                .when(new RevokeDeviceKey(CAM, ACME, "key_2"))
                .expectNoEvents()
                .expectException(DomainException.class)
                .expectExceptionMessage("Device 'FLOOR1' has no key 'key_2'");
    }

    @Test
    void a_rotation_records_the_overlap_of_the_keys_before_it() {
        fixture.given(registered(), new DeviceKeyIssued(CAM, ACME, "key_1", "h1", null))
                .when(new IssueDeviceKey(CAM, ACME, "key_2", "h2", NOON))
                .expectEvents(new DeviceKeyIssued(CAM, ACME, "key_2", "h2", NOON));
        fixture.given(registered(), new DeviceKeyIssued(CAM, ACME, "key_1", "h1", null))
                .when(new IssueDeviceKey(CAM, ACME, "key_1", "h1", NOON))
                .expectNoEvents()
                .expectException(DomainException.class);
    }
}
