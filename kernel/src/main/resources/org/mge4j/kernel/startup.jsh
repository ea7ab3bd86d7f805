// Imports every cell starts with. A line is applied only when it compiles, so packages of dl-core that are
// not on the classpath yet are skipped silently.
import java.util.*;
import java.util.function.*;
import java.util.stream.*;
import java.util.concurrent.*;
import java.io.*;
import java.math.*;
import java.net.*;
import java.nio.file.*;
import java.time.*;
import java.util.regex.*;
// display(obj), display(obj, mime...), updateDisplay, clearOutput, render, summary; Html, Markdown, Latex, Svg,
// Json, Image, Images, LineChart, Histogram, LiveChart, Progress, StateDictDiff
import static org.mge4j.display.Display.*;
import org.mge4j.display.*;
import org.mge4j.*;
import org.mge4j.functional.F;
import org.mge4j.module.*;
// java.lang.Module would make the wildcard's Module ambiguous in JShell; the single-type import wins
import org.mge4j.module.Module;
import org.mge4j.optimizer.*;
import org.mge4j.autodiff.*;
import org.mge4j.data.*;
import org.mge4j.jit.*;
import org.mge4j.serialization.*;
