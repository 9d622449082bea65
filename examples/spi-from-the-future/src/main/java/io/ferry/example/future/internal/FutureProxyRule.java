package io.ferry.example.future.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.ProxyRule;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Stands for a rule written against a future SPI major version. It never runs on a Ferry
 * with SPI 1.x: the bundle does not resolve, so this component is never activated.
 */
@Component(service = ProxyRule.class)
public final class FutureProxyRule implements ProxyRule {

    @Override
    public String name() {
        return "future-spi-rule";
    }

    @Override
    public Optional<Platform> platform() {
        return Optional.empty();
    }

    @Override
    public RuleVerdict evaluate(ManagedServer candidate, DiskContext disk) {
        return RuleVerdict.pass(name(), "written for SPI 2.x", "");
    }
}
