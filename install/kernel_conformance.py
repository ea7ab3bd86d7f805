"""Conformance tests of the mge4j kernel with jupyter_kernel_test (Debian python3-jupyter-kernel-test 0.4.5).

Run by install/test-kernel.sh with JUPYTER_PATH pointing at a kernelspec named "mge4j":
    JUPYTER_PATH=... /usr/bin/python3 -m unittest -v kernel_conformance
Every sample attribute the harness knows is set, so no test is skipped (the pager sample uses the %doc magic).
"""
import time
import unittest

import jupyter_kernel_test as jkt
from jupyter_kernel_test.msgspec_v5 import validate_message


class Mge4jKernelTests(jkt.KernelTests):
    kernel_name = "mge4j"
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("oops");'

    completion_samples = [
        {"text": "Integer.MAX_", "matches": {"MAX_VALUE"}},
        {"text": "Math.ab", "matches": {"abs(", "absExact("}},
    ]

    complete_code_samples = ["1 + 2", "int x = 5;", 'System.out.println("hi");', "void f() {}", "class A {}"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "int f(int x) {", "if (true)", "/* comment", "1 +"]

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "1 + 2 + 3", "result": "6"},
        {"code": "java.util.List.of(1, 4, 9)", "result": "[1, 4, 9]"},
    ]

    code_display_data = [
        {"code": 'display("<b>test</b>", "text/html");', "mime": "text/html"},
        {"code": 'display("plain words");', "mime": "text/plain"},
        # display's renderers, with no import lines: a state dict table, an image grid, a chart
        {"code": 'display(new Linear(4, 2).stateDict());', "mime": "text/html"},
        {"code": 'display(Images.grid(Tensor.rand(2, 1, 8, 8), "a", "b"));', "mime": "image/png"},
        {"code": 'display(LineChart.of("loss", List.of(1.0, 0.5)));', "mime": "image/png"},
    ]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "1 + 2*"

    code_page_something = "%doc String"

    code_inspect_sample = "String"
    code_clear_output = "clearOutput();"

    def _reply(self, msg_id, msg_type="execute_reply"):
        reply = self.get_non_kernel_info_reply(timeout=15)
        validate_message(reply, msg_type, msg_id)
        return reply

    def _iopub_for(self, msg_id, timeout=10):
        out, deadline = [], time.time() + timeout
        while time.time() < deadline:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            validate_message(msg, msg["msg_type"])
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            out.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return out
        self.fail("no idle status for " + msg_id)

    def test_mge4j_kernel_info_fields(self):
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=15)
        validate_message(reply, "kernel_info_reply", msg_id)
        c = reply["content"]
        self.assertEqual(c["status"], "ok")
        self.assertEqual(c["protocol_version"], "5.3")
        self.assertEqual(c["language_info"]["name"], "java")
        self.assertIn("mge4j", c["banner"])

    def test_mge4j_counter_and_silent(self):
        self.flush_channels()
        r1, _ = self.execute_helper("int a = 1;")
        n = r1["content"]["execution_count"]
        r2, _ = self.execute_helper("a + 1", store_history=False)
        self.assertEqual(r2["content"]["execution_count"], n)
        msg_id = self.kc.execute('System.out.println("quiet");', silent=True)
        self._reply(msg_id)
        kinds = {m["msg_type"] for m in self._iopub_for(msg_id)}
        self.assertEqual(kinds, {"status"})
        r3, _ = self.execute_helper("a")
        self.assertEqual(r3["content"]["execution_count"], n + 1)

    def test_mge4j_stream_flushed_before_display(self):
        self.flush_channels()
        reply, out = self.execute_helper(
            'System.out.print("A"); display("<i>B</i>", "text/html"); System.out.print("C");')
        self.assertEqual(reply["content"]["status"], "ok")
        seq = [(m["msg_type"], m["content"].get("text")) for m in out]
        self.assertEqual(seq[0], ("stream", "A"))
        self.assertEqual(seq[1][0], "display_data")
        self.assertEqual("".join(t for k, t in seq[2:] if k == "stream"), "C")

    def test_mge4j_progress_updates_in_place(self):
        # a notebook runner (allow_stdin=False, as nbclient sends) gets one display redrawn in place
        self.flush_channels()
        msg_id = self.kc.execute("for (int i : Progress.range(4).every(java.time.Duration.ZERO)) { }",
                                 allow_stdin=False)
        self.assertEqual(self._reply(msg_id)["content"]["status"], "ok")
        out = [m for m in self._iopub_for(msg_id) if m["msg_type"].endswith("display_data")]
        self.assertEqual(out[0]["msg_type"], "display_data")
        self.assertGreaterEqual(len(out), 5)
        ids = {m["content"]["transient"]["display_id"] for m in out}
        self.assertEqual(len(ids), 1)
        self.assertTrue(all(m["msg_type"] == "update_display_data" for m in out[1:]))
        self.assertIn("100%", out[-1]["content"]["data"]["text/plain"])

    def test_mge4j_stdin(self):
        self.flush_channels()
        msg_id = self.kc.execute("new java.util.Scanner(System.in).nextLine().length()", allow_stdin=True)
        req = self.kc.get_stdin_msg(timeout=15)
        self.assertEqual(req["msg_type"], "input_request")
        self.kc.input("hello")
        self.assertEqual(self._reply(msg_id)["content"]["status"], "ok")
        results = [m for m in self._iopub_for(msg_id) if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "5")

    def test_mge4j_interrupt_busy_loop(self):
        self.flush_channels()
        self.execute_helper("int before = 41;")
        msg_id = self.kc.execute("while (true) { }")
        time.sleep(1.5)
        t0 = time.time()
        self.km.interrupt_kernel()
        self.assertEqual(self._reply(msg_id)["content"]["status"], "error")
        self.assertLess(time.time() - t0, 1.0)
        self.flush_channels()
        reply, out = self.execute_helper("before + 1")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m for m in out if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"],
                         "42")

    def test_mge4j_unicode_cursor(self):
        code = 'String s\U0001D41A = "x"; s\U0001D41A.toUpperC'
        msg_id = self.kc.complete(code, len(code))
        c = self._reply(msg_id, "complete_reply")["content"]
        self.assertEqual(c["cursor_end"], len(code))
        self.assertEqual(c["cursor_start"], len(code) - len("toUpperC"))
        self.assertTrue(any(m.startswith("toUpperCase") for m in c["matches"]))


if __name__ == "__main__":
    unittest.main()
