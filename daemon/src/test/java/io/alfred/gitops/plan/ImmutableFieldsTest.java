package io.alfred.gitops.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The API server's 422 answers, in its own words (kube-apiserver 1.23 and later), read as immutable fields or not. */
class ImmutableFieldsTest {
    private static KubernetesClientException invalid(String message, StatusCause... causes) {
        Status status = new StatusBuilder()
                .withCode(422)
                .withReason("Invalid")
                .withMessage(message)
                .withNewDetails()
                .withCauses(Arrays.asList(causes))
                .endDetails()
                .build();
        return new KubernetesClientException(status);
    }

    private static StatusCause cause(String field, String message) {
        return new StatusCause(field, message, "FieldValueInvalid");
    }

    @Test
    void aDeploymentSelectorIsImmutable() {
        KubernetesClientException e = invalid(
                "Deployment.apps \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{...}: field is"
                        + " immutable",
                cause("spec.selector", "Invalid value: v1.LabelSelector{...}: field is immutable"));
        assertThat(ImmutableFields.of(e)).hasValueSatisfying(f -> {
            assertThat(f.fields()).containsExactly("spec.selector");
            assertThat(f.describe()).isEqualTo("spec.selector");
        });
    }

    @Test
    void aStatefulSetSpecOutsideItsMutableFieldsIsImmutable() {
        KubernetesClientException e = invalid(
                "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other"
                        + " than 'replicas', 'template', 'updateStrategy' and 'minReadySeconds' are forbidden",
                new StatusCause(
                        "spec",
                        "Forbidden: updates to statefulset spec for fields other than 'replicas', 'template',"
                                + " 'updateStrategy' and 'minReadySeconds' are forbidden",
                        "FieldValueForbidden"));
        assertThat(ImmutableFields.of(e))
                .hasValueSatisfying(f -> assertThat(f.fields()).containsExactly("spec"));
    }

    @Test
    void aJobTemplateAClusterIpAndAClaimSpecAreImmutable() {
        assertThat(ImmutableFields.of(invalid(
                        "Job.batch \"migrate\" is invalid: spec.template: Invalid value: ...: field is immutable",
                        cause("spec.template", "Invalid value: core.PodTemplateSpec{...}: field is immutable"))))
                .isPresent();
        assertThat(ImmutableFields.of(invalid(
                        "Service \"api\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.0.0.9\"}: may"
                                + " not change once set",
                        cause("spec.clusterIPs[0]", "Invalid value: []string{\"10.0.0.9\"}: may not change once set"))))
                .hasValueSatisfying(f -> assertThat(f.fields()).containsExactly("spec.clusterIPs[0]"));
        assertThat(ImmutableFields.of(invalid(
                        "PersistentVolumeClaim \"cache\" is invalid: spec: Forbidden: spec is immutable after creation"
                                + " except resources.requests for bound claims",
                        new StatusCause(
                                "spec",
                                "Forbidden: spec is immutable after creation except resources.requests for bound"
                                        + " claims",
                                "FieldValueForbidden"))))
                .isPresent();
    }

    @Test
    void anAnswerThatAlsoNamesAnInvalidFieldIsNotAboutImmutability() {
        KubernetesClientException e = invalid(
                "Deployment.apps \"web\" is invalid: [spec.selector: Invalid value: ...: field is immutable,"
                        + " spec.template.metadata.labels: Invalid value: ...: `selector` does not match template"
                        + " `labels`]",
                cause("spec.selector", "Invalid value: v1.LabelSelector{...}: field is immutable"),
                cause(
                        "spec.template.metadata.labels",
                        "Invalid value: ...: `selector` does not match template" + " `labels`"));
        assertThat(ImmutableFields.of(e)).isEmpty();
    }

    @Test
    void otherRefusalsAreNot() {
        assertThat(ImmutableFields.of(invalid(
                        "ConfigMap \"x\" is invalid: data[a b]: Invalid value: \"a b\": a valid config key must"
                                + " consist of alphanumeric characters",
                        cause(
                                "data[a b]",
                                "Invalid value: \"a b\": a valid config key must consist of alphanumeric"
                                        + " characters"))))
                .isEmpty();
        Status conflict = new StatusBuilder()
                .withCode(409)
                .withMessage("field is immutable")
                .build();
        assertThat(ImmutableFields.of(new KubernetesClientException(conflict))).isEmpty();
    }
}
