package io.slotway.launcher;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Shell sessions from Gogo's CommandProcessor (the boot bundle org.apache.felix.gogo.runtime), for
 * {@link ShellServer}. The launcher is not a bundle and does not see Gogo's types, so it calls them
 * reflectively through the runtime bundle's class loader, as it does ConfigAdmin. A command's printed
 * output (System.out and System.err are Gogo's per-thread streams) and its result, formatted as the
 * Gogo console shows it, go back to the client; an exception becomes its message.
 */
final class GogoSessions implements ShellServer.Sessions {
    private static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";
    /** org.apache.felix.service.command.Converter.INSPECT: how the console formats a result. */
    private static final int INSPECT = 0;

    private final BundleContext context;

    GogoSessions(BundleContext context) {
        this.context = context;
    }

    @Override
    public ShellServer.Session open() throws Exception {
        ServiceReference<?> ref = context.getServiceReference(PROCESSOR);
        if (ref == null) {
            throw new IllegalStateException("Gogo's CommandProcessor is not registered (is org.apache.felix.gogo.runtime in bundle/?)");
        }
        Object processor = context.getService(ref);
        if (processor == null) {
            throw new IllegalStateException("Gogo's CommandProcessor went away");
        }
        try {
            Class<?> processorType = ref.getBundle().loadClass(PROCESSOR);
            Class<?> sessionType = ref.getBundle().loadClass(SESSION);
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            PrintStream printed = new PrintStream(buffer, true, StandardCharsets.UTF_8);
            Object session = processorType.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class)
                    .invoke(processor, InputStream.nullInputStream(), printed, printed);
            Method execute = sessionType.getMethod("execute", CharSequence.class);
            Method format = sessionType.getMethod("format", Object.class, int.class);
            Method close = sessionType.getMethod("close");
            return new ShellServer.Session() {
                @Override
                public ShellServer.Result execute(String command) {
                    String error = null;
                    synchronized (buffer) {
                        buffer.reset();
                    }
                    try {
                        Object result = execute.invoke(session, command);
                        if (result != null) {
                            Object text = format.invoke(session, result, INSPECT);
                            printed.print(text);
                            if (!text.toString().endsWith("\n")) {
                                printed.println();
                            }
                        }
                    } catch (InvocationTargetException e) {
                        error = message(e.getCause());
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        error = message(e);
                    }
                    printed.flush();
                    synchronized (buffer) {
                        return new ShellServer.Result(buffer.toString(StandardCharsets.UTF_8), error);
                    }
                }

                @Override
                public void close() {
                    try {
                        close.invoke(session);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        // closing anyway
                    } finally {
                        context.ungetService(ref);
                    }
                }
            };
        } catch (Exception e) {
            context.ungetService(ref);
            throw e;
        }
    }

    /** An exception as the user should read it: its message, or its class when it has none. */
    static String message(Throwable t) {
        if (t instanceof InvocationTargetException && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getName() : m;
    }
}
