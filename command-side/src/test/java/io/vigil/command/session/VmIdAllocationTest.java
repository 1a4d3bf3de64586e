package io.vigil.command.session;

import static io.vigil.command.session.SagaHarness.NODE;
import static io.vigil.command.session.SagaHarness.TEMPLATE_NODE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** VMIDs for clones: never the same for two sagas, even at the same instant, and never one taken outside Vigil. */
class VmIdAllocationTest {
    static final SagaHarness harness = new SagaHarness();

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void sagas_asking_at_the_same_instant_never_get_the_same_vmid() throws Exception {
        int threads = 8;
        int each = 10;
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<Integer>>> results = new ArrayList<>();
        Set<String> threadNames = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try {
            for (int t = 0; t < threads; t++) {
                Callable<List<Integer>> asker = () -> {
                    threadNames.add(Thread.currentThread().getName());
                    ready.countDown();
                    go.await();
                    List<Integer> ids = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        ids.add(harness.operations.nextVmId());
                    }
                    return ids;
                };
                results.add(pool.submit(asker));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).as("all askers started").isTrue();
            go.countDown();
            List<Integer> all = new ArrayList<>();
            for (Future<List<Integer>> r : results) {
                all.addAll(r.get(30, TimeUnit.SECONDS));
            }
            assertThat(threadNames).hasSize(threads);
            assertThat(all).hasSize(threads * each);
            assertThat(new HashSet<>(all)).as("distinct VMIDs").hasSize(threads * each);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void an_id_taken_outside_vigil_is_stepped_over() {
        int first = harness.operations.nextVmId();
        harness.awaitTask(harness.operations.cloneOrFindOurs(TEMPLATE_NODE.value(), 9001, first + 1, "made-by-hand",
                "not Vigil's", NODE.value()));

        int second = harness.operations.nextVmId();

        assertThat(second).isNotEqualTo(first).isNotEqualTo(first + 1);
    }
}
