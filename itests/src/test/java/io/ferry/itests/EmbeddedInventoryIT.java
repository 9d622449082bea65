package io.ferry.itests;

import static org.junit.Assert.assertFalse;

import io.ferry.api.inventory.InventoryService;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The distribution exactly as shipped: no inventory configuration, so Ferry runs on its
 * embedded H2 database. Plus everything in {@link FerryRuntimeChecks}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EmbeddedInventoryIT extends FerryRuntimeChecks {

    @Configuration
    public Option[] config() {
        return FerryContainer.distribution();
    }

    @Test
    public void withoutConfigurationTheInventoryIsAnH2FileUnderKarafData() throws Exception {
        awaitService(InventoryService.class);
        List<Path> files = h2DatabaseFiles();
        assertFalse("no H2 database (*.mv.db) under " + System.getProperty("karaf.data") + "/ferry", files.isEmpty());
    }
}
