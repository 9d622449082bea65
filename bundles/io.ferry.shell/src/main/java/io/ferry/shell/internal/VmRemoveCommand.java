package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.VirtualMachine;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "vm-remove", description = "Removes a virtual machine from the inventory.",
        detailedDescription = """
                Example:
                  ferry:vm-remove web-01""")
public class VmRemoveCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "NAME", required = true, description = "Name or id of the VM to remove")
    @Completion(VmNameCompleter.class)
    private String name;

    @Override
    public Object execute() {
        VirtualMachine vm = inventory.vm(name).orElseThrow(() -> NotFoundException.of("VM", name, "ferry:vm-list"));
        inventory.removeVm(vm.id());
        System.out.println("Removed VM '" + vm.name() + "'");
        return null;
    }
}
