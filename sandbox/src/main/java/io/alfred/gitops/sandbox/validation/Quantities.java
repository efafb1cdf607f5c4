package io.alfred.gitops.sandbox.validation;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ({@code 100m}, {@code 1.5Gi}, {@code 2e3}): the grammar of
 * {@code resource.ParseQuantity} (fabric8's parser accepts more), and their value for comparisons
 * (requests at most limits).
 */
public final class Quantities {
    private static final Pattern QUANTITY =
            Pattern.compile("([+-]?(?:\\d+\\.?\\d*|\\.\\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?");
    /** The message of {@code resource.ErrFormatWrong}, which the decoder reports for a malformed quantity. */
    public static final String FORMAT_WRONG =
            "quantities must match the regular expression " + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    private Quantities() {}

    public static boolean valid(String text) {
        return QUANTITY.matcher(text).matches();
    }

    /** The value, or null when it does not parse (fabric8's Quantity computes it; the grammar above decides). */
    static BigDecimal value(String text) {
        return valid(text) ? Quantity.parse(text).getNumericalAmount() : null;
    }
}
