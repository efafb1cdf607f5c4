package io.alfred.gitops.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import org.junit.jupiter.api.Test;

/**
 * A CRD is waited for until Established. A real API server answers right after the create with a
 * status whose conditions are null (seen on kube-apiserver 1.23; the sandbox always filled them).
 */
class CrdEstablishedTest {
    @Test
    void aStatusWithoutConditionsIsNotYetEstablishedAndNoError() {
        CustomResourceDefinition fresh = new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("x.example.com")
                .endMetadata()
                .withNewStatus()
                .endStatus()
                .build();
        fresh.getStatus().setConditions(null);
        assertThat(Applier.established(fresh)).isFalse();
        assertThat(Applier.established(null)).isFalse();
        assertThat(Applier.established(new CustomResourceDefinitionBuilder().build()))
                .isFalse();
    }

    @Test
    void establishedWhenTheConditionIsTrue() {
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
                .withNewStatus()
                .addNewCondition()
                .withType("NamesAccepted")
                .withStatus("True")
                .endCondition()
                .addNewCondition()
                .withType("Established")
                .withStatus("False")
                .endCondition()
                .endStatus()
                .build();
        assertThat(Applier.established(crd)).isFalse();
        crd.getStatus().getConditions().get(1).setStatus("True");
        assertThat(Applier.established(crd)).isTrue();
    }
}
