package io.alfred.gitops.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Revision;
import io.alfred.gitops.config.ClusterSettings;
import io.alfred.gitops.config.PdbMode;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SourceSettings;
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
class DashboardBrowserTest {
    static final Path SHOTS = Path.of("daemon/target/dashboard");
    static final String HTML_SUBJECT = "<script>window.pwned=1</script><b id=\"injected\">bold</b> & more";

    @Inject
    SyncLoop loop;

    @Inject
    SyncStatus status;

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

    @Test
    void theDaemonThroughItsPage() throws Exception {
        // the login form: a wrong token is refused, the right one is kept in an HttpOnly, SameSite=Strict cookie
        open();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("alfred-gitops");
        browser.findElement(By.id("token")).sendKeys("wrong", Keys.ENTER);
        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                .contains("not the daemon's");
        browser.findElement(By.id("token")).sendKeys(HookTestProfile.API_TOKEN, Keys.ENTER);
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
    }
}
