package io.alfred.gitops.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The subset check behind drift: quantities as a real API server serves them back are the same
 * value (kube-apiserver 1.23 answered {@code cpu: 1000m} with {@code "1"}, which made every status
 * write of a rollout look like drift); anything else is compared as written.
 */
class SubsetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "git {0}, live {1}: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{'resources':{'limits':{'cpu':'1000m'}}}         | {'resources':{'limits':{'cpu':'1'}}} "
                        + "            | true",
                "{'resources':{'limits':{'memory':'1024Mi'}}}     | "
                        + "{'resources':{'limits':{'memory':'1Gi'}}}        | true",
                "{'resources':{'requests':{'cpu':2}}}             | "
                        + "{'resources':{'requests':{'cpu':'2'}}}           | true",
                "{'resources':{'requests':{'cpu':0.5}}}           | "
                        + "{'resources':{'requests':{'cpu':'500m'}}}        | true",
                "{'resources':{'requests':{'storage':'10G'}}}     | "
                        + "{'resources':{'requests':{'storage':'10G'}}}     | true",
                "{'hard':{'pods':'10'}}                           | {'hard':{'pods':'10'}}               "
                        + "            | true",
                "{'emptyDir':{'sizeLimit':'1024Mi'}}              | {'emptyDir':{'sizeLimit':'1Gi'}}     "
                        + "            | true",
                "{'resources':{'limits':{'cpu':'1000m'}}}         | {'resources':{'limits':{'cpu':'2'}}} "
                        + "            | false",
                "{'resources':{'limits':{'memory':'1Gi'}}}        | "
                        + "{'resources':{'limits':{'memory':'1G'}}}         | false",
                "{'resources':{'limits':{'cpu':'1'}}}             | {'resources':{'limits':{}}}          "
                        + "            | false",
                "{'data':{'cpu':'1000m'}}                         | {'data':{'cpu':'1'}}                 "
                        + "            | false",
                "{'metadata':{'labels':{'size':'1k'}}}            | "
                        + "{'metadata':{'labels':{'size':'1000'}}}          | false",
                "{'image':'web:1'}                                | {'image':'web:1','extra':true}       "
                        + "            | true",
                "{'ports':[{'port':80}]}                          | "
                        + "{'ports':[{'port':80,'protocol':'TCP'}]}         | true",
                "{'ports':[{'port':80}]}                          | {'ports':[{'port':80},{'port':81}]}  "
                        + "            | false",
                "{'replicas':3}                                   | {'replicas':3.0}                     "
                        + "            | true",
            })
    void comparesAsTheApiServerStores(String git, String live, boolean holds) throws Exception {
        assertThat(Subset.holds(json(git), json(live))).isEqualTo(holds);
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }
}
