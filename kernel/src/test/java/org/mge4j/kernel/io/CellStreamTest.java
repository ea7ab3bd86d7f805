package org.mge4j.kernel.io;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CellStreamTest {

    @Test
    void aMultiByteCharacterSplitAcrossWritesIsHeldBackUntilComplete() {
        byte[] euro = "a€".getBytes(StandardCharsets.UTF_8);          // a + 3-byte sequence
        assertEquals(1, CellStream.completeUtf8Prefix(java.util.Arrays.copyOf(euro, 2)));
        assertEquals(1, CellStream.completeUtf8Prefix(java.util.Arrays.copyOf(euro, 3)));
        assertEquals(4, CellStream.completeUtf8Prefix(euro));
    }

    @Test
    void fourByteCharactersAndPlainAsciiAreCompleteWhenWhole() {
        byte[] math = "x\uD835\uDC1A".getBytes(StandardCharsets.UTF_8);  // x + 4-byte sequence
        assertEquals(5, CellStream.completeUtf8Prefix(math));
        assertEquals(1, CellStream.completeUtf8Prefix(java.util.Arrays.copyOf(math, 4)));
        assertEquals(3, CellStream.completeUtf8Prefix("abc".getBytes(StandardCharsets.US_ASCII)));
    }
}
