package io.vigil.command.guacamole;

import java.time.Instant;

/**
  * A user's open tunnel to a connection. Guacamole reports no idle or last-input time.
  *
  * @param identifier           the active connection's own id (what a kill needs)
  * @param connectionIdentifier the connection it belongs to
  */
public record ActiveConnection(String identifier, String connectionIdentifier, String username,
                                                              String remoteHost, Instant startDate, boolean connectable) {
}
