package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mge4j.Mge;
import org.mge4j.serialization.pickle.Unpickler;

/** A dict key or set element made of one tuple repeated (t = (t', t'), 60 levels) is refused at once, not hashed for ever. */
class PickleKeyBombTest {
    /** {@code {t_n: None}} or {@code {t_n}} where {@code t_0 = 'a'} and {@code t_k = (t_k-1, t_k-1)}, by DUP and TUPLE2. */
    private static byte[] bomb(int levels, boolean set) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 4, (byte) (set ? 0x8f : '}'), (byte) (set ? '(' : 'X')});
        if (set) {
            b.write('X');
        }
        b.writeBytes(new byte[] {1, 0, 0, 0, 'a'});
        for (int i = 0; i < levels; i++) {
            b.writeBytes(new byte[] {'2', (byte) 0x86});
        }
        b.writeBytes(set ? new byte[] {(byte) 0x90, '.'} : new byte[] {'N', 's', '.'});
        return b.toByteArray();
    }

    @Test
    void aKeyThatExpandsToTwoToTheSixtyItemsIsRefusedQuickly() {
        for (boolean set : new boolean[] {false, true}) {
            byte[] p = bomb(60, set);
            SerializationException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertThrows(SerializationException.class, () -> Unpickler.load(p, LoadOptions.defaults())));
            assertTrue(e.getMessage().contains("expands to more than 65536 items"), e.getMessage());
        }
    }

    @Test
    void smallTupleKeysStillLoad() {
        Object o = Mge.load(new ByteArrayInputStream(bomb(10, false)));   // 2^10 leaves: a big key, but a real one
        assertEquals(1, ((Map<?, ?>) o).size());
        assertEquals(1, ((Set<?>) Mge.load(new ByteArrayInputStream(bomb(3, true)))).size());
    }
}
