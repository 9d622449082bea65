package io.ferry.selection.internal;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.job.JobSpec;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.GuestInteractionRule;
import io.ferry.api.spi.JobValidator;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.api.spi.ProxyRule;
import io.ferry.api.spi.ReadinessCheck;
import io.ferry.api.spi.TransportModeProvider;
import io.ferry.api.spi.VmContext;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Small real implementations of the plugin SPI, as a platform plugin would write them. */
final class TestPlugins {

    private TestPlugins() {
    }

    record Support(Platform platform, String name, RoleType proxyRole,
            Function<DiskContext, Optional<Fallback>> fallback) implements PlatformSupport {
        Support(Platform platform, RoleType proxyRole) {
            this(platform, platform + " test plugin", proxyRole, d -> Optional.empty());
        }

        @Override
        public Optional<Fallback> noProxyFallback(DiskContext disk) {
            return fallback.apply(disk);
        }
    }

    record Mode(Platform platform, String mode, int preference, BiFunction<ManagedServer, DiskContext, TransportStep> f)
            implements TransportModeProvider {
        @Override
        public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
            return f.apply(proxy, disk);
        }
    }

    record Rule(String name, Optional<Platform> platform, BiFunction<ManagedServer, DiskContext, RuleVerdict> f)
            implements ProxyRule {
        @Override
        public RuleVerdict evaluate(ManagedServer candidate, DiskContext disk) {
            return f.apply(candidate, disk);
        }
    }

    record GuestRule(String name, Optional<Platform> platform, BiFunction<ManagedServer, VmContext, RuleVerdict> f)
            implements GuestInteractionRule {
        @Override
        public RuleVerdict evaluate(ManagedServer candidate, VmContext vm) {
            return f.apply(candidate, vm);
        }
    }

    record Check(String name, RoleType role, BiFunction<ManagedServer, InventorySnapshot, List<CheckResult>> f)
            implements ReadinessCheck {
        @Override
        public List<CheckResult> check(ManagedServer server, InventorySnapshot inventory) {
            return f.apply(server, inventory);
        }
    }

    record Validator(String name, Optional<Platform> platform) implements JobValidator {
        @Override
        public List<String> problems(JobSpec job, InventorySnapshot inventory) {
            return List.of();
        }
    }

    /** Direct storage access (10): the proxy's {@code san.access} fact lists the disk's datastore. */
    static Mode direct() {
        return new Mode(Platform.VMWARE, "direct-storage-access", 10, (proxy, disk) -> {
            String ds = disk.disk().storage().orElse("");
            List<String> san = Arrays.asList(proxy.spec().fact(ServerFacts.SAN_ACCESS).orElse("").split(","));
            return san.contains(ds) ? TransportStep.ok("direct-storage-access", "reads datastore " + ds + " over SAN")
                    : TransportStep.unavailable("direct-storage-access", "no SAN access to datastore " + ds);
        });
    }

    /** Virtual appliance (20): the proxy's {@code vmware.host} fact is the VM's host. */
    static Mode hotAdd() {
        return new Mode(Platform.VMWARE, "virtual-appliance", 20, (proxy, disk) -> {
            String host = disk.vm().host().name();
            return host.equals(proxy.spec().fact(ServerFacts.VMWARE_HOST).orElse(""))
                    ? TransportStep.ok("virtual-appliance", "proxy VM runs on " + host + " and hot-adds the disk")
                    : TransportStep.unavailable("virtual-appliance", "proxy is not a VM on host " + host);
        });
    }

    /** Network (30): always available; a fallback when the job fixed another mode (seed 003). */
    static Mode network() {
        return new Mode(Platform.VMWARE, "network", 30, (proxy, disk) -> {
            boolean fixed = disk.vm().job().transport().fixedMode().isPresent();
            return new TransportStep("network", true, fixed ? "fixed mode unavailable; failing over to network"
                    : "reads through the management network of " + disk.vm().host().name(), fixed);
        });
    }

    /** A VMware-like plugin: VMWARE_PROXY role, direct, hot-add and network modes. */
    static PluginSet.Builder vmware() {
        return PluginSet.builder().platform(new Support(Platform.VMWARE, RoleType.VMWARE_PROXY))
                .transport(direct()).transport(hotAdd()).transport(network());
    }

    /** A plugin for {@code platform} whose proxies always read over one mode. */
    static PluginSet.Builder simple(Platform platform, RoleType role, String mode) {
        return PluginSet.builder().platform(new Support(platform, role))
                .transport(new Mode(platform, mode, 10, (p, d) -> TransportStep.ok(mode, "always")));
    }
}
