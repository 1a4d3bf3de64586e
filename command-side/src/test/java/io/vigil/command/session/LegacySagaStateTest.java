package io.vigil.command.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.session.SessionId;
import io.vigil.core.template.Protocol;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.test.util.ReflectionTestUtils;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sagas an older version stored (different steps, fields it had and this one has not) load with the serializer
 * Vigil runs with, so sessions in flight across an upgrade go on: its teardown's stop and delete steps are removal
 * now, its resume that was undoing itself gives up (the hibernation saga suspends the VM).
 */
class LegacySagaStateTest {
    private final Jackson3Serializer serializer = Jackson3Serializer.builder().build();
    private final ObjectMapper json = JsonMapper.builder().build();

    @Test
    void an_older_teardown_at_its_stop_or_delete_steps_goes_on_removing() {
        for (String old : new String[]{"STOP", "AWAIT_STOP", "DELETE", "AWAIT_DELETE"}) {
            TeardownSaga saga = reload(new TeardownSaga(), TeardownSaga.class, s -> {
                ReflectionTestUtils.setField(s, "sessionId", SessionId.generate());
                ReflectionTestUtils.setField(s, "node", "pve-2");
                ReflectionTestUtils.setField(s, "vmid", 120);
                ReflectionTestUtils.setField(s, "step", TeardownSaga.Step.REMOVE);
            }, stored -> stored.put("step", old).put("upid", "UPID:pve-2:0001:0002:0003:qmstop:120:root@pam:"));

            assertThat(ReflectionTestUtils.getField(saga, "step")).as(old).isEqualTo(TeardownSaga.Step.REMOVE);
            assertThat(ReflectionTestUtils.getField(saga, "vmid")).isEqualTo(120);
        }
    }

    @Test
    void an_older_resume_that_was_undoing_itself_gives_up_with_its_reason() {
        ResumeSaga saga = reload(new ResumeSaga(), ResumeSaga.class, s -> {
            ReflectionTestUtils.setField(s, "sessionId", SessionId.generate());
            ReflectionTestUtils.setField(s, "node", "pve-2");
            ReflectionTestUtils.setField(s, "vmid", 120);
            ReflectionTestUtils.setField(s, "protocol", Protocol.SSH);
            ReflectionTestUtils.setField(s, "step", ResumeSaga.Step.GIVE_UP);
            ReflectionTestUtils.setField(s, "poll", new PollClock(Instant.parse("2026-11-30T10:00:00Z"), 400));
        }, stored -> {
            stored.put("step", "AWAIT_UNDO").put("failure", "Gave up after 30 s waiting for the guest");
            stored.remove("lastError");
        });

        assertThat(ReflectionTestUtils.getField(saga, "step")).isEqualTo(ResumeSaga.Step.GIVE_UP);
        assertThat(ReflectionTestUtils.getField(saga, "lastError")).isEqualTo("Gave up after 30 s waiting for the guest");
        assertThat(ReflectionTestUtils.getField(saga, "poll")).isEqualTo(new PollClock(Instant.parse("2026-11-30T10:00:00Z"), 400));
        assertThat(reload(new ResumeSaga(), ResumeSaga.class, s -> { },
                stored -> stored.put("step", "AWAIT_RESUME"))).extracting("step").isEqualTo(ResumeSaga.Step.AWAIT_TASK);
    }

    @Test
    void an_older_provisioning_without_the_template_node_loads() {
        ProvisioningSaga saga = reload(new ProvisioningSaga(), ProvisioningSaga.class, s -> {
            ReflectionTestUtils.setField(s, "sessionId", SessionId.generate());
            ReflectionTestUtils.setField(s, "node", "pve-2");
            ReflectionTestUtils.setField(s, "templateNode", "pve-1");
            ReflectionTestUtils.setField(s, "step", ProvisioningSaga.Step.AWAIT_CLONE);
        }, stored -> stored.remove("templateNode"));

        assertThat(ReflectionTestUtils.getField(saga, "step")).isEqualTo(ProvisioningSaga.Step.AWAIT_CLONE);
        assertThat(saga.templateNode()).as("clones where the older version cloned: on the session's node").isEqualTo("pve-2");
    }

    /** Stores the saga as this version does, makes the stored JSON look like an older version's, loads it. */
    private <T> T reload(T saga, Class<T> type, Consumer<T> state, Consumer<ObjectNode> older) {
        state.accept(saga);
        SerializedObject<byte[]> stored = serializer.serialize(saga, byte[].class);
        ObjectNode tree = (ObjectNode) json.readTree(stored.getData());
        older.accept(tree);
        byte[] olderBytes = json.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8);
        return serializer.deserialize(new SimpleSerializedObject<>(olderBytes, byte[].class, stored.getType()));
    }
}
