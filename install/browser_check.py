"""Driver of install/test-browser.sh: builds the display tour notebook, executes it with the mge4j kernel,
serves it with JupyterLab, opens it in headless chromium (Debian's, through Selenium and chromedriver) and
screenshots the outputs that matter. Fails when an output did not render.

    python browser_check.py WORK_DIR OUT_DIR
"""
import json
import re
import os
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# (cell, screenshot name or None): the tour a reader of the README sees
CELLS = [
    (new_markdown_cell("# mge4j display tour\nEvery output below is drawn by `display`'s renderers."), None),
    (new_code_cell(
        "var test = FashionMnist.test();\n"
        "Images.grid(test.data().slice(0, 0, 16), test.label().slice(0, 0, 16), FashionMnist.CLASSES)"),
     "image-grid"),
    (new_code_cell(
        "class ConvNet extends Module {\n"
        "    Conv2d conv1 = new Conv2d(1, 10, 5);\n"
        "    MaxPool2d pool1 = new MaxPool2d(2, 2);\n"
        "    Conv2d conv2 = new Conv2d(10, 20, 5);\n"
        "    MaxPool2d pool2 = new MaxPool2d(2, 2);\n"
        "    Linear fc1 = new Linear(320, 50);\n"
        "    Linear fc2 = new Linear(50, 10);\n"
        "\n"
        "    public Tensor forward(Tensor x) {\n"
        "        x = pool1.call(F.relu(conv1.call(x)));\n"
        "        x = pool2.call(F.relu(conv2.call(x)));\n"
        "        x = F.flatten(x, 1);\n"
        "        x = F.relu(fc1.call(x));\n"
        "        return F.relu(fc2.call(x));\n"
        "    }\n"
        "}\n"
        "Mge.seed(0);\n"
        "var model = new ConvNet();\n"
        "model"),
     "module-tree"),
    (new_code_cell("model.stateDict()"), "state-dict"),
    (new_code_cell("summary(model, Tensor.zeros(64, 1, 28, 28))"), "summary"),
    (new_code_cell(
        "var before = model.stateDict().entrySet().stream()\n"
        "        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().copy(),\n"
        "                                                   (a, b) -> a, LinkedHashMap::new));\n"
        "var loader = DataLoader.builder(new ArrayDataset(FashionMnist.train().data().slice(0, 0, 6400),\n"
        "                                                 FashionMnist.train().label().slice(0, 0, 6400)))\n"
        "        .batchSize(64).shuffle(true).seed(0).transform(new Normalize(0.2860 * 255, 0.3530 * 255)).build();\n"
        "var optimizer = new SGD(model.parameters(), 0.01, 0.9, 5e-4);\n"
        "var gm = new GradManager().attach(model.parameters());\n"
        "var live = LiveChart.create().xLabel(\"step\");\n"
        "var losses = new ArrayList<Double>();\n"
        "int step = 0;\n"
        "for (int epoch = 1; epoch <= 2; epoch++) {\n"
        "    var bar = Progress.over(loader).desc(\"epoch \" + epoch);\n"
        "    for (Batch b : bar) {\n"
        "        try (var rec = gm.record()) {\n"
        "            var logits = model.call(b.data());\n"
        "            var loss = F.crossEntropy(logits, b.label());\n"
        "            gm.backward(loss);\n"
        "            optimizer.step().clearGrad();\n"
        "            double acc = logits.argmax(1).eq(b.label()).astype(DType.FLOAT32).mean().itemDouble();\n"
        "            losses.add(loss.itemDouble());\n"
        "            bar.postfix(\"loss\", loss).postfix(\"acc\", acc);\n"
        "            live.add(\"loss\", step, loss.itemDouble());\n"
        "            live.add(\"batch accuracy\", step++, acc);\n"
        "        }\n"
        "    }\n"
        "}\n"
        "live.close();"),
     "training"),
    (new_code_cell("LineChart.of(\"train loss\", losses).xLabel(\"step\").title(\"ConvNet on Fashion-MNIST\")"),
     "training-curve"),
    (new_code_cell("Histogram.of(\"fc1.weight\", model.fc1.weight).add(\"conv2.weight\", model.conv2.weight)"),
     "histogram"),
    (new_code_cell("StateDictDiff.of(before, model.stateDict()).names(\"init\", \"trained\")"), "diff"),
    (new_code_cell(
        "var checkpoint = new LinkedHashMap<String, Object>();\n"
        "checkpoint.put(\"epoch\", 2);\n"
        "checkpoint.put(\"model_state_dict\", model.stateDict());\n"
        "checkpoint.put(\"optimizer_state_dict\", optimizer.stateDict());\n"
        "checkpoint.put(\"loss\", losses.get(losses.size() - 1));\n"
        "checkpoint"),
     "checkpoint"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_and_execute(path):
    nb = new_notebook(cells=[c for c, _ in CELLS],
                      metadata={"kernelspec": {"name": "mge4j", "display_name": "Java (mge4j)", "language": "java"}})
    t = time.time()
    NotebookClient(nb, timeout=300, kernel_name="mge4j", resources={"metadata": {"path": os.path.dirname(path)}}).execute()
    print(f"executed the tour in {time.time() - t:.1f} s")
    for i, (cell, shot) in enumerate(CELLS):
        if cell.cell_type == "code" and shot and not nb.cells[i].outputs:
            raise SystemExit(f"cell {i} ({shot}) has no output")
        for o in nb.cells[i].get("outputs", []):
            if o.output_type == "error":
                raise SystemExit(f"cell {i} failed: {o.ename}: {o.evalue}")
    nbformat.write(nb, path)
    # trusted, as a notebook the user ran is: its HTML keeps the style block that aligns table columns
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "jupyter"), "trust", path], check=True,
                   capture_output=True)


def lab_settings(venv_prefix):
    # no news pop-up, and every cell rendered (JupyterLab 4 only renders cells near the viewport by default)
    d = os.path.join(venv_prefix, "share", "jupyter", "lab", "settings")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "overrides.json"), "w") as f:
        json.dump({"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
                   "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}, f)


def serve(work, port):
    log = open(os.path.join(work, "lab.log"), "w")
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "jupyter-lab"), "--no-browser",
                             f"--port={port}", "--ServerApp.token=", "--ServerApp.password=",
                             "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={work}",
                             "--ServerApp.ip=127.0.0.1", "--allow-root"], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    log.close()
    raise SystemExit("JupyterLab did not start:\n" + open(log.name).read()[-3000:])


def screenshots(port, out):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1800",
              "--force-device-scale-factor=1", "--disable-dev-shm-usage"):
        opts.add_argument(a)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        driver.get(f"http://127.0.0.1:{port}/lab/tree/tour.ipynb?reset")
        deadline = time.time() + 90
        cells = []
        while time.time() < deadline:
            cells = driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Notebook .jp-Cell")
            if len(cells) == len(CELLS) and all(
                    c.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output")
                    for c, (cell, shot) in zip(cells, CELLS) if shot):
                break
            time.sleep(1)
        else:
            raise SystemExit(f"the notebook did not render: {len(cells)} of {len(CELLS)} cells")
        time.sleep(2)   # images decode, fonts settle
        os.makedirs(out, exist_ok=True)
        for el, (cell, shot) in zip(cells, CELLS):
            if not shot:
                continue
            area = el.find_element(By.CSS_SELECTOR, ".jp-OutputArea")
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", el)
            time.sleep(0.3)
            check(driver, area, shot)
            area.screenshot(os.path.join(out, shot + ".png"))
            print(f"  {shot}.png")
    finally:
        driver.quit()


def check(driver, area, shot):
    """What must be visible in each output, checked in the browser's DOM."""
    if shot in ("state-dict", "summary", "diff"):
        rows = area.find_elements(By.CSS_SELECTOR, "table tbody tr")
        if len(rows) < 5:
            raise SystemExit(f"{shot}: a table with rows was expected, found {len(rows)} rows")
        align = driver.execute_script("return getComputedStyle(arguments[0]).textAlign;",
                                      area.find_element(By.CSS_SELECTOR, "table tbody td"))
        if shot != "diff" and align not in ("left", "start"):
            raise SystemExit(f"{shot}: the style block was dropped (first column is {align}); is the notebook trusted?")
    elif shot == "module-tree":
        if not area.find_elements(By.CSS_SELECTOR, "li b"):
            raise SystemExit("module-tree: no tree items")
    elif shot == "checkpoint":
        if not area.find_elements(By.CSS_SELECTOR, "details"):
            raise SystemExit("checkpoint: no collapsible tree")
    else:
        imgs = area.find_elements(By.CSS_SELECTOR, "img")
        if shot != "training" and not imgs:
            raise SystemExit(f"{shot}: no image")
        for img in imgs:
            if not driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0;", img):
                raise SystemExit(f"{shot}: an image did not decode")
    text = area.text
    if shot == "training" and "100%" not in text:
        raise SystemExit("training: the progress bars did not reach 100%: " + text[:300])


def guide_copy(work):
    """A scratch copy of notebooks/01-serialization-guide.ipynb with its outputs cleared, for the UI to run."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    nb = nbformat.read(os.path.join(root, "notebooks", "01-serialization-guide.ipynb"), as_version=4)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = []
            c.execution_count = None
    nbformat.write(nb, os.path.join(work, "guide.ipynb"))
    return sum(1 for c in nb.cells if c.cell_type == "code")


def guide_from_ui(port, work, out, code_cells):
    """Opens the serialization guide in JupyterLab, runs every cell from the Run menu, and finds its state dict table."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1800",
              "--force-device-scale-factor=1", "--disable-dev-shm-usage"):
        opts.add_argument(a)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        driver.get(f"http://127.0.0.1:{port}/lab/tree/guide.ipynb?reset")
        deadline = time.time() + 90
        while time.time() < deadline:   # the notebook is open and its kernel is idle
            if driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Cell") and driver.find_elements(
                    By.CSS_SELECTOR, ".jp-NotebookPanel-toolbar .jp-Toolbar-kernelStatus, [data-status='idle']"):
                break
            time.sleep(1)
        time.sleep(3)
        # the user's way: the Run menu, then "Run All Cells"
        menu = [m for m in driver.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-itemLabel") if m.text.strip() == "Run"]
        if not menu:
            raise SystemExit("guide: JupyterLab has no Run menu")
        def run_all_item(d):
            labels = [e for e in d.find_elements(By.CSS_SELECTOR, ".lm-Menu .lm-Menu-itemLabel")
                      if e.text.strip() == "Run All Cells"]
            return labels[0] if labels else None

        for attempt in range(3):   # the first click can land while the menu bar is still being laid out
            menu[0].click()
            try:
                item = WebDriverWait(driver, 5).until(run_all_item)
                break
            except Exception:
                driver.save_screenshot(os.path.join(out, "guide-menu-not-open.png"))
        else:
            raise SystemExit("guide: the Run menu has no 'Run All Cells' (screenshot guide-menu-not-open.png)")
        item.click()
        t = time.time()
        deadline = t + 240
        prompts = []
        while time.time() < deadline:
            prompts = [p.text.strip() for p in driver.find_elements(
                By.CSS_SELECTOR, ".jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt")]
            if len(prompts) == code_cells and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts):
                break
            time.sleep(2)
        else:
            raise SystemExit(f"guide: not every cell ran from the UI within 240 s: prompts {prompts}")
        print(f"ran the serialization guide's {code_cells} cells from the Run menu in {time.time() - t:.1f} s")
        errors = driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        failed = [e.text[:300] for e in errors if "Error" in e.text or "Exception" in e.text]
        if failed:
            raise SystemExit(f"guide: a cell failed in the browser: {failed}")
        all_tables = driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output table")
        tables = [t for t in all_tables if "conv1" in t.text and "fc2" in t.text and "(10, 1, 5, 5)" in t.text]
        if not tables:
            raise SystemExit("guide: the rendered state dict table was not found among "
                             f"{[t.text[:80] for t in all_tables]}")
        rows = tables[0].find_elements(By.CSS_SELECTOR, "tbody tr")
        if len(rows) < 8:
            raise SystemExit(f"guide: the state dict table has {len(rows)} rows")
        os.makedirs(out, exist_ok=True)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", tables[0])
        time.sleep(0.5)
        tables[0].find_element(By.XPATH, "ancestor::div[contains(@class,'jp-OutputArea')][1]").screenshot(
            os.path.join(out, "guide-state-dict.png"))
        driver.save_screenshot(os.path.join(out, "guide-window.png"))
        print("  guide-state-dict.png, guide-window.png")
    finally:
        driver.quit()


def kernel_console(log_path):
    """What the kernels printed to JupyterLab's console: every line but the server's own records and their indented
    continuations. Only the kernel's start line may be there (issue 13, point 5)."""
    server = re.compile(r"\[[DIWEC] \d{4}-\d\d-\d\d ")
    with open(log_path) as f:
        lines = [line for line in f.read().splitlines() if line.strip() and not line[0].isspace() and not server.match(line)]
    banners = [line for line in lines if line.startswith("mge4j kernel: Java ")]
    others = [line for line in lines if line not in banners]
    assert banners and not others, f"the kernels printed more than their start line to JupyterLab's console: {lines}"
    return banners[0]


def main():
    work, out = sys.argv[1], os.path.abspath(sys.argv[2])
    path = os.path.join(work, "tour.ipynb")
    build_and_execute(path)
    code_cells = guide_copy(work)
    lab_settings(sys.prefix)
    port = free_port()
    lab = serve(work, port)
    try:
        t = time.time()
        screenshots(port, out)
        print(f"screenshotted in {time.time() - t:.1f} s")
        guide_from_ui(port, work, out, code_cells)
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=15)
        except subprocess.TimeoutExpired:
            lab.kill()
    print("JupyterLab's console holds only the kernels' start line: " + kernel_console(os.path.join(work, "lab.log")))


if __name__ == "__main__":
    main()
