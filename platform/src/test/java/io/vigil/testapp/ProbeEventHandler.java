package io.vigil.testapp;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/** In a subscribing processing group (PlatformWebTest): runs in the unit of work that publishes the event. */
@Component
@ProcessingGroup("probe-subscribing")
public class ProbeEventHandler {
    private final List<String> handled = new CopyOnWriteArrayList<>();

    @EventHandler
    void on(ProbeHappened event) {
        if (event.poison()) {
            throw new IllegalStateException("cannot handle " + event.name());
        }
        handled.add(event.name());
    }

    public List<String> handled() {
        return handled;
    }
}
