package io.vigil.command.registry;

import io.vigil.command.RegistryProperties;
import io.vigil.command.admission.AdmissionLedger;
import io.vigil.core.node.NodeName;
import io.vigil.core.node.NodeSpec;
import io.vigil.core.node.NodeStatus;
import io.vigil.core.node.RegisterNode;
import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.RegisterTemplate;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * A fresh install gets nodes pve-1..pve-7 and three templates, registered through the same commands an admin
 * would send (so they are events like any other). Ids are fixed, so a restart or a second instance seeding at
 * the same moment cannot register anything twice.
 */
@Component
class RegistrySeeder implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(RegistrySeeder.class);
    static final List<RegisterTemplate> TEMPLATES = List.of(
            new RegisterTemplate(new TemplateId("windows-11"), new TemplateSpec("Windows 11", OsType.WINDOWS, Protocol.RDP,
                    9000, 4, 8192, 64, List.of("desktop", "office"), true)),
            new RegisterTemplate(new TemplateId("ubuntu-22-04"), new TemplateSpec("Ubuntu 22.04", OsType.LINUX, Protocol.SSH,
                    9001, 2, 4096, 32, List.of("linux", "dev"), true)),
            new RegisterTemplate(new TemplateId("kali"), new TemplateSpec("Kali", OsType.KALI, Protocol.VNC,
                    9002, 4, 4096, 50, List.of("security"), true)));

    private final RegistryProperties properties;
    private final AdmissionLedger ledger;
    private final CommandGateway commands;

    RegistrySeeder(RegistryProperties properties, AdmissionLedger ledger, CommandGateway commands) {
        this.properties = properties;
        this.ledger = ledger;
        this.commands = commands;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!properties.seed()) {
            return;
        }
        for (int i = 1; i <= properties.seedNodes(); i++) {
            String name = "pve-" + i;
            if (!ledger.hasNode(name)) {
                seed(new RegisterNode(new NodeName(name), new NodeSpec(name + ".lab.local", NodeStatus.ONLINE, NodeSpec.DEFAULT_MAX_VMS)));
            }
        }
        for (RegisterTemplate template : TEMPLATES) {
            if (ledger.template(template.templateId()).isEmpty()) {
                seed(template);
            }
        }
    }

    private void seed(Object command) {
        try {
            commands.sendAndWait(command, MetaData.with("userId", "system:seed"));
            log.info("Seeded {}", command);
        } catch (RuntimeException e) {
            // another instance seeded it first
            log.info("Not seeded ({}): {}", command.getClass().getSimpleName(), e.getMessage());
        }
    }
}
