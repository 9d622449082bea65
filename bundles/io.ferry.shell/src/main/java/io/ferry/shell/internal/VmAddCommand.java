package io.ferry.shell.internal;

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
@Command(scope = "ferry", name = "vm-add", description = "Adds a virtual machine with its disks to the inventory.",
        detailedDescription = """
                Adds a VM running on a platform host (add the host first with
                ferry:host-add).

                Each --disk is key=value pairs, in any order:
                  label=NAME      unique in the VM, e.g. d0 or scsi0:0
                  size=SIZE       bytes or K, M, G, T (binary), e.g. 40G
                  format=FORMAT   raw, qcow2, vmdk, vhdx or vhd
                  location=WHERE  absolute path, file: URI, or an nbd://,
                                  nbds:// or nbd+unix:// URI
                  storage=NAME    optional: datastore, CSV or share holding it
                The short form label:size:format:location[:storage] is accepted too; a
                trailing :name counts as storage unless it is a URI port. Use
                key=value when in doubt.

                Quote values containing '?', '*' or '\\' in single quotes: the shell
                otherwise takes them as file patterns or escapes (nbd+unix URIs,
                Windows paths).

                Examples:
                  ferry:vm-add --host pve-01 --os linux:debian:12 --network 10.0.1.0/24 --disk label=d0,size=40G,format=qcow2,location=/var/lib/vz/images/100/d0.qcow2,storage=local web-01
                  ferry:vm-add --host hv-01 --os windows:server:2022 --credentials 'CORP\\svc-backup$' --gmsa --disk 'label=os,size=127G,format=vhdx,location=C:\\ClusterStorage\\Volume1\\sql-01\\os.vhdx,storage=Volume1' sql-01
                  ferry:vm-add --host pve-01 --os linux --disk 'label=d0,size=8G,format=raw,location=nbd+unix:///d0?socket=/run/lab/d0.sock' lab-01""")
public class VmAddCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "NAME", required = true, description = "Unique name of the VM, e.g. web-01")
    private String name;

    @Option(name = "--host", required = true, description = "Name of the platform host running the VM")
    @Completion(HostNameCompleter.class)
    private String host;

    @Option(name = "--os", required = true, description = "Guest operating system as"
            + " family[:distribution[:version]], e.g. windows:server:2022 or linux:ubuntu:24.04")
    @Completion(OsCompleter.class)
    private String os;

    @Option(name = "--network", multiValued = true,
            description = "A network the VM is attached to, in CIDR notation, e.g. 10.0.1.0/24; repeatable")
    private List<String> networks;

    @Option(name = "--disk", multiValued = true, description = "A disk as label=d0,size=40G,format=qcow2,"
            + "location=/var/lib/vz/d0.qcow2[,storage=local] (see the description); repeat for each disk")
    private List<String> disks;

    @Option(name = "--credentials", description = "Guest OS account for guest processing, e.g. 'CORP\\svc-backup',"
            + " svc@corp.example or root; no password is stored")
    private String credentials;

    @Option(name = "--gmsa", description = "The --credentials account is a group Managed Service Account"
            + " (guest processing then needs a Windows guest interaction proxy)")
    private boolean gmsa;

    @Option(name = "--vhd-set", description = "The VM uses Hyper-V VHD Set disks (.vhds); such VMs are never"
            + " backed up off-host")
    private boolean vhdSet;

    @Override
    public Object execute() {
        if (gmsa && (credentials == null || credentials.isBlank())) {
            throw new ValidationException("--gmsa", "marks the --credentials account as a gMSA; give --credentials too");
        }
        List<VirtualDisk> parsed = Arguments.nonNull(disks).stream().map(DiskSpecParser::parse).toList();
        VirtualMachine added = SpecErrors.asOptions(SpecErrors.VM_OPTIONS, () -> {
            Optional<GuestCredentials> account = Optional.ofNullable(credentials).filter(c -> !c.isBlank())
                    .map(c -> new GuestCredentials(c, gmsa));
            VmSpec spec = new VmSpec(name, host, Arguments.os(os, "--os"), Arguments.networks(networks, "--network"),
                    parsed, account, vhdSet);
            return inventory.addVm(spec);
        });
        System.out.println("Added VM '" + added.name() + "' on host '" + added.spec().host() + "' with "
                + added.spec().disks().size() + (added.spec().disks().size() == 1 ? " disk" : " disks") + " ("
                + ByteSize.format(added.spec().capacityBytes()) + ")");
        return null;
    }
}
