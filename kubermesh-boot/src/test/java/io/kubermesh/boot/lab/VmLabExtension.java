package io.kubermesh.boot.lab;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method a fresh {@link VmLab} parameter, named after the test class (its logs are
 * {@code target/it-logs/CLASS-servers.log} and {@code CLASS-console.log}), and closes it after
 * the test, failed or not.
 */
public final class VmLabExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(VmLabExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == VmLab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        VmLab lab = VmLab.create(context.getRequiredTestClass().getSimpleName());
        context.getStore(STORE).put("lab", lab);
        return lab;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        VmLab lab = context.getStore(STORE).remove("lab", VmLab.class);
        if (lab != null) {
            lab.close();
        }
    }
}
