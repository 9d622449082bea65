package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.GuestCredentials;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "vm-update", description = "Changes what is known about a virtual machine and its disks.",
        detailedDescription = """
                Reads the VM, applies the options and writes it back; options not given keep
                their value. The VM keeps its id: the jobs that back it up keep it through a
                rename or a move to another host of the same platform (--host).

                --network replaces all networks, --add-network/--remove-network change one.
                --disk replaces all disks (the form of ferry:vm-add --disk); --add-disk adds
                one, --remove-disk LABEL removes one (both in one command replace a disk).
                --credentials ACCOUNT sets the guest account (with --gmsa for a group Managed
                Service Account), --credentials "" removes it; --gmsa/--no-gmsa alone change
                the kind of the account the VM has.

                Refused if someone changed the VM in between; --expected-version makes sure
                you change exactly the version you looked at (ferry:vm-list --json shows it;
                each update prints the new one).

                Examples:
                  ferry:vm-update --add-disk label=d1,size=100G,format=qcow2,location=/var/lib/vz/images/100/d1.qcow2 web-01
                  ferry:vm-update --host esx-02 --remove-network 10.0.1.0/24 --add-network 10.0.2.0/24 web-01
                  ferry:vm-update --credentials 'CORP\\svc-backup$' --gmsa sql-01""")
public class VmUpdateCommand implements Action {

    static final ListChanges<VirtualDisk> DISKS = new ListChanges<>("--disk", "--add-disk", "--remove-disk", "disk",
            VirtualDisk::label);

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "NAME", required = true, description = "Name or id of the VM to change")
    private String name;

    @Option(name = "--rename", description = "New unique name for the VM")
    private String rename;

    @Option(name = "--host", description = "The platform host the VM runs on now (same platform)")
    @Completion(HostNameCompleter.class)
    private String host;

    @Option(name = "--os", description = "Guest operating system as family[:distribution[:version]]")
    @Completion(OsCompleter.class)
    private String os;

    @Option(name = "--network", multiValued = true, description = "Replace all networks with these (CIDR);"
            + " repeatable")
    private List<String> networks;

    @Option(name = "--add-network", multiValued = true, description = "Attach one more network (CIDR); repeatable")
    private List<String> addNetworks;

    @Option(name = "--remove-network", multiValued = true, description = "Detach a network (CIDR); repeatable")
    private List<String> removeNetworks;

    @Option(name = "--disk", multiValued = true, description = "Replace all disks with these, each as"
            + " label=d0,size=40G,format=qcow2,location=...[,storage=...]; repeatable")
    private List<String> disks;

    @Option(name = "--add-disk", multiValued = true, description = "One more disk, in the form of --disk; repeatable")
    private List<String> addDisks;

    @Option(name = "--remove-disk", multiValued = true, description = "Remove the disk with this label; repeatable")
    private List<String> removeDisks;

    @Option(name = "--credentials", description = "Guest OS account for guest processing; \"\" removes it")
    private String credentials;

    @Option(name = "--gmsa", description = "The account is a group Managed Service Account")
    private boolean gmsa;

    @Option(name = "--no-gmsa", description = "The account is an ordinary account")
    private boolean noGmsa;

    @Option(name = "--vhd-set", description = "The VM uses Hyper-V VHD Set disks (.vhds)")
    private boolean vhdSet;

    @Option(name = "--no-vhd-set", description = "The VM uses no VHD Set disks")
    private boolean noVhdSet;

    @Option(name = "--expected-version", description = "Refuse the update unless the VM is still at this"
            + " version (the \"version\" of ferry:vm-list --json); by default the version read just before"
            + " the update")
    private Long expectedVersion;

    @Override
    public Object execute() {
        Arguments.notBoth(gmsa, "--gmsa", noGmsa, "--no-gmsa");
        Arguments.notBoth(vhdSet, "--vhd-set", noVhdSet, "--no-vhd-set");
        Updates.requireChange(rename == null && host == null && os == null && credentials == null && !gmsa && !noGmsa
                && !vhdSet && !noVhdSet && ListChanges.absent(networks, addNetworks, removeNetworks)
                && ListChanges.absent(disks, addDisks, removeDisks), "VM", name, "ferry:vm-update");
        VirtualMachine current = inventory.vm(name)
                .orElseThrow(() -> NotFoundException.of("VM", name, "ferry:vm-list"));
        VmSpec spec = SpecErrors.asOptions(SpecErrors.VM_UPDATE_OPTIONS, () -> changed(current));
        Updates.update("VM", "ferry:vm-list", current, VirtualMachine::name, VirtualMachine::version, expectedVersion,
                spec.equals(current.spec()), expected -> SpecErrors.asOptions(SpecErrors.VM_UPDATE_OPTIONS,
                        () -> inventory.updateVm(current.id(), expected, spec)), () -> inventory.vm(current.id()));
        return null;
    }

    private VmSpec changed(VirtualMachine current) {
        VmSpec s = current.spec();
        String owner = "VM '" + current.name() + "'";
        return new VmSpec(rename != null ? rename : s.name(), host != null ? host : s.host(),
                os != null ? Arguments.os(os, "--os") : s.guestOs(),
                ServerChanges.networks(owner, s.networks(), networks, addNetworks, removeNetworks),
                DISKS.apply(owner, s.disks(), parsed(disks), parsed(addDisks), removeDisks),
                credentials(owner, s.credentials()), vhdSet || (!noVhdSet && s.vhdSet()));
    }

    private Optional<GuestCredentials> credentials(String owner, Optional<GuestCredentials> current) {
        if (credentials != null) {
            if (credentials.isBlank()) {
                if (gmsa || noGmsa) {
                    throw new ValidationException("--credentials", "\"\" removes the account; leave out --gmsa and"
                            + " --no-gmsa");
                }
                return Optional.empty();
            }
            return Optional.of(new GuestCredentials(credentials.strip(), gmsa));
        }
        if (!gmsa && !noGmsa) {
            return current;
        }
        GuestCredentials account = current.orElseThrow(() -> new ValidationException(gmsa ? "--gmsa" : "--no-gmsa",
                owner + " has no guest account; give it with --credentials"));
        return Optional.of(new GuestCredentials(account.user(), gmsa));
    }

    private static List<VirtualDisk> parsed(List<String> texts) {
        return Arguments.nonNull(texts).stream().map(DiskSpecParser::parse).toList();
    }
}
