package io.alfred.gitops.safety;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Pods taken down by a change and disruptions a budget permits, rounded as Kubernetes rounds them. */
class DisruptionsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    @Test
    void deploymentRollingUpdate() throws Exception {
        assertThat(Disruptions.unavailableDuringChange("Deployment", json("{'replicas':4}"), 4, true, 1))
                .as("default 25% of 4, rounded down")
                .isEqualTo(1);
        assertThat(Disruptions.unavailableDuringChange("Deployment", json("{'replicas':3}"), 3, true, 1))
                .as("25% of 3 rounds down to 0, surge 1 rolls")
                .isZero();
        assertThat(Disruptions.unavailableDuringChange(
                        "Deployment",
                        json("{'replicas':5,'strategy':{'rollingUpdate':{'maxUnavailable':'50%','maxSurge':0}}}"),
                        5,
                        true,
                        1))
                .isEqualTo(2);
        assertThat(Disruptions.unavailableDuringChange(
                        "Deployment",
                        json("{'replicas':5,'strategy':{'rollingUpdate':{'maxUnavailable':0,'maxSurge':1}}}"),
                        5,
                        true,
                        1))
                .as("surge-only")
                .isZero();
        assertThat(Disruptions.unavailableDuringChange(
                        "Deployment",
                        json("{'replicas':5,'strategy':{'rollingUpdate':{'maxUnavailable':0,'maxSurge':0}}}"),
                        5,
                        true,
                        1))
                .as("both zero means one")
                .isEqualTo(1);
        assertThat(Disruptions.unavailableDuringChange(
                        "Deployment", json("{'replicas':3,'strategy':{'type':'Recreate'}}"), 3, true, 1))
                .isEqualTo(3);
        assertThat(Disruptions.unavailableDuringChange("Deployment", json("{'replicas':2}"), 5, false, 1))
                .as("scale-down removes pods")
                .isEqualTo(3);
    }

    @Test
    void statefulSetAndDaemonSet() throws Exception {
        assertThat(Disruptions.unavailableDuringChange("StatefulSet", json("{'replicas':3}"), 3, true, 1))
                .isEqualTo(1);
        assertThat(Disruptions.unavailableDuringChange(
                        "StatefulSet",
                        json("{'replicas':4,'updateStrategy':{'rollingUpdate':{'maxUnavailable':'50%'}}}"),
                        4,
                        true,
                        1))
                .isEqualTo(2);
        assertThat(Disruptions.unavailableDuringChange(
                        "StatefulSet", json("{'replicas':4,'updateStrategy':{'type':'OnDelete'}}"), 4, true, 1))
                .isZero();
        assertThat(Disruptions.unavailableDuringChange("DaemonSet", json("{}"), 1, true, 10))
                .isEqualTo(1);
        assertThat(Disruptions.unavailableDuringChange(
                        "DaemonSet",
                        json("{'updateStrategy':{'rollingUpdate':{'maxUnavailable':'20%'}}}"),
                        1,
                        true,
                        10))
                .isEqualTo(2);
        assertThat(Disruptions.unavailableDuringChange(
                        "DaemonSet",
                        json("{'updateStrategy':{'rollingUpdate':{'maxUnavailable':0,'maxSurge':1}}}"),
                        1,
                        true,
                        10))
                .isZero();
    }

    @Test
    void budgets() throws Exception {
        assertThat(Disruptions.desiredHealthy(json("{'minAvailable':2}"), 5)).isEqualTo(2);
        assertThat(Disruptions.desiredHealthy(json("{'minAvailable':'50%'}"), 3))
                .as("rounded up")
                .isEqualTo(2);
        assertThat(Disruptions.desiredHealthy(json("{'maxUnavailable':1}"), 5)).isEqualTo(4);
        assertThat(Disruptions.desiredHealthy(json("{'maxUnavailable':'30%'}"), 5))
                .as("30% of 5 rounds up to 2")
                .isEqualTo(3);
        assertThat(Disruptions.allowedByDesign(json("{'minAvailable':2}"), 1))
                .as("can never disrupt")
                .isZero();
        assertThat(Disruptions.allowedByDesign(json("{'minAvailable':2}"), 5)).isEqualTo(3);
    }
}
