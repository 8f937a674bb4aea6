package io.slotway.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** Every bundle of the distribution resolves and starts, and every component is satisfied. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EverythingResolvesIT {

    /** Components get this long to settle (activation is asynchronous in places). */
    private static final long SETTLE_MS = 20_000;

    /** Bundles that must declare at least one component. */
    private static final String[] COMPONENT_BUNDLES = {"io.slotway.core", "io.slotway.source.h2"};

    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] config() {
        return SlotwayOptions.baseOptions();
    }

    @Test
    public void everyBootBundleIsActiveAndEveryFragmentResolved() throws Exception {
        List<Path> jars = SlotwayOptions.jars(home().resolve("bundle"));
        List<Bundle> bundles = bundlesFrom(home().resolve("bundle"));
        assertEquals("bundles installed from bundle/", jars.size(), bundles.size());
        List<String> wrong = new ArrayList<>();
        for (Bundle b : bundles) {
            int want = isFragment(b) ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getSymbolicName() == null) {
                wrong.add(b.getLocation() + " is not an OSGi bundle (no Bundle-SymbolicName)");
            } else if (b.getState() != want) {
                wrong.add(b.getSymbolicName() + " " + b.getVersion() + " is " + state(b.getState())
                        + ", want " + state(want));
            }
        }
        assertTrue("bundles not as expected:\n  " + String.join("\n  ", wrong), wrong.isEmpty());
    }

    @Test
    public void theShellBundlesResolve() throws Exception {
        // Installed here, not by the options: unstarted bundles stay unresolved until asked.
        List<Bundle> shell = new ArrayList<>();
        for (Path jar : SlotwayOptions.jars(home().resolve("lib").resolve("shell"))) {
            shell.add(context.installBundle(jar.toUri().toString()));
        }
        assertFalse("no shell bundles in lib/shell", shell.isEmpty());
        FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        wiring.resolveBundles(shell);
        for (Bundle b : shell) {
            assertEquals(b.getSymbolicName() + " state", state(Bundle.RESOLVED), state(b.getState()));
        }
    }

    @Test
    public void slotwayHasComponentsAndAllAreSatisfied() throws Exception {
        for (String bsn : COMPONENT_BUNDLES) {
            Bundle b = Arrays.stream(context.getBundles()).filter(x -> bsn.equals(x.getSymbolicName()))
                    .findFirst().orElseThrow(() -> new AssertionError(bsn + " is not installed"));
            assertFalse(bsn + " declares no components", scr.getComponentDescriptionDTOs(b).isEmpty());
        }
        Map<String, String> unsatisfied = new TreeMap<>();
        long deadline = System.currentTimeMillis() + SETTLE_MS;
        do {
            unsatisfied.clear();
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                String name = d.bundle.symbolicName + "/" + d.name;
                if (!scr.isComponentEnabled(d)) {
                    if (d.defaultEnabled) {
                        unsatisfied.put(name, "disabled");
                    }
                    continue;
                }
                var configs = scr.getComponentConfigurationDTOs(d);
                if (configs.isEmpty()) {
                    unsatisfied.put(name, "no configuration (policy " + d.configurationPolicy + ", pids "
                            + Arrays.toString(d.configurationPid) + ")");
                }
                for (ComponentConfigurationDTO c : configs) {
                    if (c.state != ComponentConfigurationDTO.SATISFIED && c.state != ComponentConfigurationDTO.ACTIVE) {
                        unsatisfied.put(name, describe(c));
                    }
                }
            }
            if (unsatisfied.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        assertTrue("components not satisfied:\n  " + unsatisfied.toString().replace(", ", "\n  "), unsatisfied.isEmpty());
    }

    private Path home() {
        return Path.of(context.getProperty("slotway.home"));
    }

    private List<Bundle> bundlesFrom(Path dir) {
        String prefix = dir.toUri().toString();
        List<Bundle> result = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String location = b.getLocation();
            if (location.startsWith(prefix) && location.indexOf('/', prefix.length()) < 0) {
                result.add(b);
            }
        }
        return result;
    }

    private static boolean isFragment(Bundle b) {
        return b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
    }

    private static String describe(ComponentConfigurationDTO c) {
        String state = switch (c.state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "unsatisfied configuration";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "unsatisfied reference(s) "
                    + Arrays.stream(c.unsatisfiedReferences).map(r -> r.name + " " + r.target).toList();
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed activation: " + c.failure;
            default -> "state " + c.state;
        };
        return state;
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "state " + state;
        };
    }
}
