package io.alfred.gitops.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Revision;
import io.alfred.gitops.config.ClusterSettings;
import io.alfred.gitops.config.PdbMode;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.dashboard.FleetBoard;
import io.alfred.gitops.reconcile.SyncLoop;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.sandbox.SandboxApiServer;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

/**
 * The dashboard in a real browser (Debian's headless Chromium, driven by Selenium) against the
 * daemon on the sandbox: the login form, then a cold apply, a drift put back, a blocked cycle and a
 * rollback, each with assertions on the page and a screenshot in {@code target/dashboard/}; the page
 * is read-only (the sandbox counts no write while it is loaded) and escapes what comes from git.
 */
@QuarkusTest
@TestProfile(HookTestProfile.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    static final Path SHOTS = Path.of("daemon/target/dashboard");
    static final String HTML_SUBJECT = "<script>window.pwned=1</script><b id=\"injected\">bold</b> & more";

    @Inject
    SyncLoop loop;

    @Inject
    SyncStatus status;

    @Inject
    FleetBoard fleet;

    @TestHTTPResource("/")
    URL root;

    TestRepo repo;
    SandboxApiServer sandbox;
    WebDriver browser;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(
                new File("/usr/bin/chromedriver").canExecute() && new File("/usr/bin/chromium").canExecute(),
                "Debian's chromium and chromium-driver are not installed (.ci/run installs them)");
        Path tmp = Files.createTempDirectory("dashboard-test");
        repo = TestRepo.withExample(tmp.resolve("infra"));
        repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:1.0")
                .commit(HTML_SUBJECT);
        sandbox = TestCluster.sandbox("it counts the requests the page makes").sandboxServer();
        Settings settings = TestSettings.builder(
                        ClusterSettings.of("test", "dev"),
                        SourceSettings.anonymous(repo.url(), "main", "infra/k8s/overlays/dev", tmp.resolve("work")),
                        new RenderSettings(
                                "auto", Duration.ofMinutes(1), Map.of("cluster_name", "test", "cluster_env", "dev")))
                .safety(new SafetySettings(PdbMode.ENFORCE, Duration.ofSeconds(3), true))
                .build();
        loop.start(settings, sandbox.client());
        ChromeOptions options = new ChromeOptions()
                .setBinary("/usr/bin/chromium")
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--window-size=1280,2000",
                        "--user-data-dir=" + tmp.resolve("chromium"));
        browser = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                        .build(),
                options);
        browser.manage().timeouts().implicitlyWait(Duration.ZERO);
        Files.createDirectories(SHOTS);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (loop != null) {
            loop.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        if (repo != null) {
            repo.close();
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        Await.until(condition, Duration.ofSeconds(60), () -> what);
    }

    private void shot(String name) throws Exception {
        File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private String badge() {
        return browser.findElement(By.id("badge")).getText();
    }

    private WebElement firstCycle() {
        return browser.findElements(By.cssSelector("tr.cycle")).get(0);
    }

    private void open() {
        browser.get(root.toString());
    }

    /** The tree's row of one object ({@code Kind/namespace/name}). */
    private WebElement node(String object) {
        return browser.findElement(By.cssSelector("li.node[data-object='" + object + "']"));
    }

    /**
     * What a person with a screen reader or weak eyes would miss: a form control without a label,
     * an image without a name, text with less than WCAG's 4.5:1 contrast against its background
     * (3:1 for large or bold text).
     */
    @SuppressWarnings("unchecked")
    private List<String> accessibilityProblems() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("""
                const problems = [];
                const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
                const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
                    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
                const background = el => { for (let e = el; e; e = e.parentElement) {
                    const c = rgb(getComputedStyle(e).backgroundColor); if (c.length >= 3 && (c.length < 4 || c[3] > 0)) return c; }
                    return [255, 255, 255]; };
                document.querySelectorAll('input, select, textarea, button').forEach(e => {
                  const named = e.labels && e.labels.length || e.getAttribute('aria-label') || (e.tagName === 'BUTTON' && e.textContent.trim());
                  if (!named && e.type !== 'hidden') problems.push('no label: ' + e.outerHTML.slice(0, 80)); });
                document.querySelectorAll('svg[role=img], img').forEach(e => {
                  if (!e.getAttribute('aria-labelledby') && !e.getAttribute('aria-label') && !e.getAttribute('alt'))
                    problems.push('no name: ' + e.outerHTML.slice(0, 80)); });
                document.querySelectorAll('body *').forEach(e => {
                  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                  if (!own || e.closest('svg') || !e.getClientRects().length) return;
                  const style = getComputedStyle(e);
                  if (style.visibility === 'hidden' || e.closest('.skip')) return;
                  const fg = lum(rgb(style.color)), bg = lum(background(e));
                  const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
                  const large = parseFloat(style.fontSize) >= 24 || parseFloat(style.fontSize) >= 18.66 && style.fontWeight >= 700;
                  if (ratio < (large ? 3 : 4.5)) problems.push('contrast ' + ratio.toFixed(2) + ': ' + e.textContent.trim().slice(0, 60)); });
                return problems;
                """);
    }

    // first: the status the daemon keeps in memory outlives a test, and this one reads it from a cold start
    @Test
    @org.junit.jupiter.api.Order(1)
    void theDaemonThroughItsPage() throws Exception {
        // the login form: a wrong token is refused, the right one is kept in an HttpOnly, SameSite=Strict cookie
        open();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("alfred-gitops");
        browser.findElement(By.id("token")).sendKeys("wrong", Keys.ENTER);
        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                .contains("not the daemon's");
        browser.findElement(By.id("token")).sendKeys(HookTestProfile.API_TOKEN, Keys.ENTER);
        // the form's answer sets the cookie; the browser may not have it yet when ENTER returns
        await(() -> browser.manage().getCookieNamed("alfred_gitops_token") != null, "the login cookie");
        Cookie cookie = browser.manage().getCookieNamed("alfred_gitops_token");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.isSecure()).as("plain HTTP here").isFalse();

        // 1. the cold apply
        String head = repo.repository().resolve("refs/heads/main").name();
        await(() -> head.equals(status.view().lastAppliedRevision()), "the cold apply");
        open();
        assertThat(badge()).isEqualTo("In sync");
        assertThat(browser.findElement(By.cssSelector("#badge")).getAttribute("class"))
                .contains("in-sync");
        assertThat(browser.findElement(By.id("applied")).getText())
                .contains(Revision.abbreviate(head))
                .contains(HTML_SUBJECT);
        WebElement cold = firstCycle();
        assertThat(cold.getText()).contains("startup").contains("succeeded").contains("created");
        cold.findElement(By.tagName("summary")).click();
        assertThat(cold.findElement(By.tagName("details")).getText())
                .contains("created")
                .contains("Deployment alfred-platform/ui-chat");
        assertThat(cold.getText()).as("a Secret's values never").doesNotContain("eW91ci1zdXBlci1zZWNyZXQtcGFzc3dvcmQ=");
        assertThat(browser.findElements(By.cssSelector("#workloads tbody tr")).size())
                .isGreaterThan(3);
        assertThat(browser.findElement(By.id("workloads")).getText()).contains("Deployment alfred-platform/ui-chat");
        // the tree: every managed object by namespace and kind, a Deployment's ReplicaSet and Pods beneath it
        WebElement objects = browser.findElement(By.id("objects"));
        assertThat(objects.getText()).contains("alfred-platform").contains("Deployment (");
        WebElement uiChat = node("Deployment/alfred-platform/ui-chat");
        assertThat(uiChat.getAttribute("class")).contains("health-ready").contains("sync-in-sync");
        assertThat(uiChat.getText())
                .contains("ready")
                .contains("in sync")
                .contains("last cycle: created by the startup cycle of ");
        assertThat(browser.findElements(By.cssSelector("li.node.depth-3")).stream()
                        .map(e -> e.getAttribute("data-object")))
                .as("ReplicaSets beneath their Deployments")
                .anyMatch(o -> o.startsWith("ReplicaSet/alfred-platform/ui-chat-"));
        assertThat(browser.findElements(By.cssSelector("li.node.depth-4")).stream()
                        .map(e -> e.getAttribute("data-object")))
                .as("Pods beneath their ReplicaSets")
                .anyMatch(o -> o.startsWith("Pod/alfred-platform/ui-chat-"));
        // the plot: one bar for the cold apply, its stages as parts, trigger and revision on hover
        List<WebElement> bars = browser.findElements(By.cssSelector("#plot g.bar"));
        assertThat(bars).hasSize(1);
        assertThat(bars.get(0).getAttribute("class")).contains("outcome-succeeded");
        assertThat(bars.get(0).findElement(By.tagName("title")).getAttribute("textContent"))
                .contains("startup · " + Revision.abbreviate(head) + " · succeeded")
                .contains("plan")
                .contains("apply");
        assertThat(bars.get(0).findElements(By.cssSelector("rect.st-apply"))).hasSize(1);
        assertThat(bars.get(0).getText()).contains("succeeded");
        assertThat(accessibilityProblems()).as("labels and contrast").isEmpty();
        int bytes = browser.getPageSource().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertThat(bytes)
                .as("the whole page, assets included (none are fetched)")
                .isLessThan(200 * 1024);
        // a figure, not an assertion (docs/performance.md has it): the browser's own first contentful paint
        Object paint = ((JavascriptExecutor) browser)
                .executeScript("const p = performance.getEntriesByName('first-contentful-paint')[0];"
                        + " return p ? Math.round(p.startTime) : -1;");
        Files.writeString(
                SHOTS.resolve("figures.txt"),
                "first contentful paint " + paint + " ms; page " + bytes + " bytes; "
                        + browser.findElements(By.cssSelector("#objects li")).size() + " tree rows\n");
        shot("1-cold-apply");

        // what came from git is text, not markup
        assertThat(browser.findElements(By.id("injected"))).isEmpty();
        assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === undefined"))
                .isEqualTo(true);
        assertThat(browser.getPageSource()).contains("&lt;script&gt;window.pwned=1&lt;/script&gt;");

        // keyboard: the first Tab lands on the skip link, Enter on a summary opens its change set
        open();
        new Actions(browser).sendKeys(Keys.TAB).perform();
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Skip to the timeline");
        WebElement summary = firstCycle().findElement(By.tagName("summary"));
        summary.sendKeys(Keys.ENTER);
        assertThat(firstCycle().findElement(By.tagName("details")).getAttribute("open"))
                .isNotNull();

        // the page is read-only: loading it (and its live JSON) writes nothing to the cluster
        Thread.sleep(1500); // the cold apply's Kubernetes Events are written in the background
        sandbox.resetRequestCounts();
        for (int i = 0; i < 3; i++) {
            open();
        }
        Thread.sleep(1500);
        assertThat(sandbox.requestCounts())
                .as("requests while the page was open")
                .doesNotContainKeys("POST", "PUT", "PATCH", "DELETE", "dry-run PATCH");

        // 2. a drift put back
        long cycles = loop.runner().orElseThrow().cycles();
        sandbox.client()
                .configMaps()
                .inNamespace("alfred-platform")
                .withName("prometheus-config")
                .edit(cm -> {
                    cm.getData().put("prometheus.yml", "edited by hand");
                    return cm;
                });
        await(
                () -> loop.runner().orElseThrow().cycles() > cycles
                        && "succeeded".equals(status.view().lastResult()),
                "the drift put back");
        open();
        await(
                () -> {
                    open();
                    return firstCycle().getText().contains("drift");
                },
                "the drift cycle on the page");
        assertThat(firstCycle().getText()).contains("succeeded").contains("configured");
        assertThat(badge()).isEqualTo("In sync");
        // click the object: its diff against git as the drift cycle saw it, highlighted
        WebElement prometheus = node("ConfigMap/alfred-platform/prometheus-config");
        assertThat(prometheus.getText()).contains("last cycle: configured by the drift cycle of ");
        prometheus.findElement(By.tagName("summary")).click();
        WebElement removed = prometheus.findElement(By.cssSelector("pre.diff span.del"));
        assertThat(removed.isDisplayed()).isTrue();
        assertThat(prometheus.findElements(By.cssSelector("pre.diff span.del")).stream()
                        .map(WebElement::getText))
                .anyMatch(l -> l.contains("edited by hand"));
        assertThat(prometheus.findElements(By.cssSelector("pre.diff span.add"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#plot g.bar"))).hasSize(2);
        shot("2-drift-corrected");

        // 3. a blocked cycle: an overlay that renders nothing (the empty-render gate)
        repo.write(
                        "infra/k8s/overlays/dev/kustomization.yaml",
                        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n")
                .commit("empty overlay");
        loop.offer(Trigger.of(Trigger.Kind.MANUAL));
        await(() -> "blocked".equals(status.view().lastResult()), "the blocked cycle");
        open();
        assertThat(badge()).isEqualTo("Blocked");
        assertThat(firstCycle().getText()).contains("blocked").contains("empty overlay");
        shot("3-blocked");

        // 4. a rollback: a revision whose rollout never finishes
        sandbox.controllers().stuckImages("crashloop");
        repo.resetHard(head);
        String bad = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:1.0", "ui-chat:crashloop")
                .commit("bad image");
        open();
        loop.offer(Trigger.of(Trigger.Kind.MANUAL));
        // live, without a reload: the page's script shows the stage in progress and the badge
        await(
                () -> browser.findElement(By.id("stage")).getText().equals("Stage in progress: wait"),
                "the wait stage, live");
        assertThat(badge()).isEqualTo("Progressing (wait)");
        // the tree during the failing rollout: the Deployment is not ready, and its un-ready Pods are marked
        open();
        WebElement rolling = node("Deployment/alfred-platform/ui-chat");
        assertThat(rolling.getAttribute("class")).doesNotContain("health-ready");
        assertThat(browser.findElements(By.cssSelector("li.node.depth-4")).stream()
                        .filter(e -> e.getAttribute("data-object").startsWith("Pod/alfred-platform/ui-chat-"))
                        .map(e -> e.getAttribute("class")))
                .as("the new ReplicaSet's pods")
                .anyMatch(c -> c.contains("health-failed") || c.contains("health-progressing"));
        shot("4a-progressing");
        await(() -> bad.equals(status.view().failedRevision()), "the rollback");
        await(
                () -> {
                    open();
                    return browser.findElements(By.cssSelector("tr.cycle")).stream()
                            .anyMatch(r -> r.getText().contains("rolledback"));
                },
                "the rollback on the page");
        List<WebElement> rows = browser.findElements(By.cssSelector("tr.cycle"));
        assertThat(rows.get(0).getText()).contains("rolledback").contains(Revision.abbreviate(head));
        assertThat(rows.get(1).getText())
                .contains("failed")
                .contains("bad image")
                .contains("rollout not finished");
        assertThat(badge()).isEqualTo("Failed: " + Revision.abbreviate(bad) + " is not applied");
        shot("4-rolled-back");
        // the plot of the five cycles: the failed one framed as failed, the rollback's beside it
        WebElement plot = browser.findElement(By.id("plot"));
        assertThat(plot.findElements(By.cssSelector("g.bar")).stream().map(b -> b.getAttribute("class")))
                .contains("bar outcome-failed", "bar outcome-succeeded", "bar outcome-blocked");
        Files.copy(
                plot.getScreenshotAs(OutputType.FILE).toPath(),
                SHOTS.resolve("4b-plot.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    static com.google.pubsub.v1.PubsubMessage event(
            String cluster, String environment, String type, String outcome, String revision, String data) {
        return com.google.pubsub.v1.PubsubMessage.newBuilder()
                .putAttributes("cluster", cluster)
                .putAttributes("environment", environment)
                .putAttributes("ce-type", "io.alfred.gitops." + type)
                .putAttributes(
                        "ce-time",
                        java.time.OffsetDateTime.now().minusSeconds(42).toString())
                .putAttributes("outcome", outcome)
                .putAttributes("revision", revision)
                .setData(com.google.protobuf.ByteString.copyFromUtf8(data))
                .build();
    }

    /** The fleet page: every cluster heard of on the events topic, and where promotion stands. */
    @Test
    @org.junit.jupiter.api.Order(2)
    void theFleetOnOnePage() throws Exception {
        String dev = "1111111111111111111111111111111111111111";
        String next = "2222222222222222222222222222222222222222";
        fleet.accept(event("dev-1", "dev", "sync.succeeded", "succeeded", dev, "{}"));
        fleet.accept(event("prod-eu", "prod", "sync.succeeded", "succeeded", dev, "{}"));
        fleet.accept(event(
                "prod-eu",
                "prod",
                "sync.blocked",
                "blocked",
                next,
                "{\"gate\":\"promotion\",\"object\":\"" + next + "\",\"reason\":\"promotion: " + next
                        + ": waiting for staging to prove it\"}"));
        fleet.accept(event("staging-1", "staging", "sync.failed", "failed", next, "{\"stage\":\"wait\"}"));
        browser.get(root.toString() + "fleet");
        browser.findElement(By.id("token")).sendKeys(HookTestProfile.API_TOKEN, Keys.ENTER);
        browser.get(root.toString() + "fleet");
        List<WebElement> rows = browser.findElements(By.cssSelector("#fleet tr.cluster"));
        assertThat(rows)
                .extracting(r -> r.getAttribute("data-cluster"))
                .containsExactly("dev-1", "prod-eu", "staging-1");
        assertThat(rows.get(1).getText())
                .contains("prod")
                .contains(Revision.abbreviate(dev))
                .contains("blocked")
                .contains("holds " + Revision.abbreviate(next) + " (promotion)")
                .contains("waiting for staging to prove it")
                .containsPattern("4\\d s ago");
        assertThat(rows.get(2).getText()).contains("failed").contains("at wait");
        assertThat(rows.get(2).findElement(By.cssSelector("td.outcome")).getAttribute("class"))
                .contains("o-failed");
        assertThat(browser.findElements(By.id("note"))).isEmpty();
        assertThat(accessibilityProblems()).as("labels and contrast").isEmpty();
        shot("5-fleet");
    }
}
