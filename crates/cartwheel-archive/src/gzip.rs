//! gzip compressed in independent blocks on every core (pigz's scheme), with bytes that depend
//! only on the input: never on the number of threads, the machine or how writes were split.
//!
//! The stream is cut at fixed multiples of [`BLOCK`]; each block is deflated on its own, with
//! no dictionary, as a [`deflate::piece`] (the last one as the final block), so the blocks
//! concatenate into one ordinary deflate stream any gunzip reads. Every block is a restart
//! point: the stream can be inflated in independent pieces, in parallel, by a reader told
//! where they start ([`Restart`]; the build-time check of the sdist is that reader).

use std::io::{self, Write};

use rayon::prelude::*;

use super::deflate;

/// Input bytes per block: deflate's unit of independent work.
pub const BLOCK: usize = deflate::PIECE;
/// Blocks buffered before they are compressed together: one per thread, at least 8 (with 4,
/// two cores waited on each other at every wave's end: Django's sdist 5% slower) and at most
/// 16 (bounds memory: 8-16 MiB of input).
const BATCH: std::ops::RangeInclusive<usize> = 8..=16;
/// Bytes of the gzip header this writer makes (no optional fields).
pub const HEADER_LEN: u64 = 10;

/// Where a piece of the deflate stream that needs no earlier output starts: its offset in the
/// gzip file and in the uncompressed stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restart {
    /// Offset in the gzip file.
    pub compressed: u64,
    /// Offset in the uncompressed data.
    pub uncompressed: u64,
}

/// A gzip encoder over `W` (one member, no file name, fixed mtime, OS "unknown").
pub struct ParallelGz<W: Write> {
    out: W,
    parallel: bool,
    /// Blocks compressed together (the bytes never depend on it), known once the input reaches
    /// the smallest batch: asking rayon starts its threads, which a small sdist never needs.
    batch: Option<usize>,
    /// Input not yet compressed; always shorter than `batch` full blocks after a write.
    pending: Vec<u8>,
    crc: crc32fast::Hasher,
    len: u64,
    /// Bytes written to `out` so far, the header included.
    written: u64,
    /// The restart points written so far, after the first (which is at the header's end).
    restarts: Vec<Restart>,
}

impl<W: Write> ParallelGz<W> {
    /// Start a gzip member; `parallel = false` compresses the same blocks on this thread only
    /// (same bytes; the reference the parallel path is tested against).
    pub fn new(mut out: W, mtime: u32, parallel: bool) -> io::Result<Self> {
        // RFC 1952: magic, CM=deflate, FLG=0, MTIME, XFL=0, OS=255 (unknown: no host leaks in).
        let mut header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
        header[4..8].copy_from_slice(&mtime.to_le_bytes());
        out.write_all(&header)?;
        Ok(Self {
            out,
            parallel,
            batch: None,
            pending: Vec::new(),
            crc: crc32fast::Hasher::new(),
            len: 0,
            written: HEADER_LEN,
            restarts: Vec::new(),
        })
    }

    /// Compress every full block of `pending` (and, when `last`, the remainder as the final
    /// block) and write them in order.
    fn compress_pending(&mut self, last: bool) -> io::Result<()> {
        let full = self.pending.len() / BLOCK * BLOCK;
        let end = if last { self.pending.len() } else { full };
        let mut starts: Vec<usize> = (0..full).step_by(BLOCK).collect();
        if last {
            // The final block is what follows the last full one, possibly empty.
            starts.push(full);
        }
        let pending = &self.pending;
        let job = |i: usize, start: usize| -> io::Result<Vec<u8>> {
            let block = &pending[start..(start + BLOCK).min(end)];
            if last && i + 1 == starts.len() {
                deflate::whole(block)
            } else {
                deflate::piece(block)
            }
        };
        // One block gains nothing from the thread pool but its start-up.
        let blocks: Vec<Vec<u8>> = if self.parallel && starts.len() > 1 {
            starts.par_iter().enumerate().map(|(i, &s)| job(i, s)).collect::<io::Result<_>>()?
        } else {
            starts.iter().enumerate().map(|(i, &s)| job(i, s)).collect::<io::Result<_>>()?
        };
        for (b, &start) in blocks.iter().zip(&starts) {
            let uncompressed = self.len + start as u64;
            if uncompressed > 0 {
                self.restarts.push(Restart { compressed: self.written, uncompressed });
            }
            self.out.write_all(b)?;
            self.written += b.len() as u64;
        }
        self.crc.update(&self.pending[..end]);
        self.len += end as u64;
        self.pending.drain(..end);
        Ok(())
    }

    /// Write the final block and the trailer; returns the inner writer.
    pub fn finish(self) -> io::Result<W> {
        Ok(self.finish_indexed()?.0)
    }

    /// [`finish`](Self::finish), also returning the restart points after the first.
    pub fn finish_indexed(mut self) -> io::Result<(W, Vec<Restart>)> {
        self.compress_pending(true)?;
        let crc = self.crc.clone().finalize();
        self.out.write_all(&crc.to_le_bytes())?;
        // ISIZE: the input length modulo 2^32.
        self.out.write_all(&(self.len as u32).to_le_bytes())?;
        Ok((self.out, self.restarts))
    }
}

impl<W: Write> Write for ParallelGz<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= BLOCK * BATCH.start() {
            let parallel = self.parallel;
            let batch = *self.batch.get_or_insert_with(|| {
                if parallel {
                    rayon::current_num_threads().clamp(*BATCH.start(), *BATCH.end())
                } else {
                    *BATCH.start()
                }
            });
            if self.pending.len() >= BLOCK * batch {
                self.compress_pending(false)?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Blocks are cut at fixed offsets, never at flushes (or the bytes would depend on them).
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Compressible but not trivial: text with a slowly changing vocabulary.
    fn sample(n: usize) -> Vec<u8> {
        let mut x: u32 = 12345;
        let mut v = Vec::with_capacity(n);
        while v.len() < n {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            v.extend_from_slice(format!("word{} ", (x >> 16) % 997).as_bytes());
        }
        v.truncate(n);
        v
    }

    fn gz(data: &[u8], parallel: bool, split: usize) -> Vec<u8> {
        let mut g = ParallelGz::new(Vec::new(), 7, parallel).unwrap();
        for part in data.chunks(split.max(1)) {
            g.write_all(part).unwrap();
        }
        g.finish().unwrap()
    }

    #[test]
    fn same_bytes_parallel_or_not_and_however_written() {
        let most = *BATCH.end();
        // Around one block, one batch on two cores, and past the largest batch.
        for n in [0, 1, 1000, BLOCK, 4 * BLOCK, 4 * BLOCK + 1, BLOCK * most + 77] {
            let data = sample(n);
            let reference = gz(&data, false, usize::MAX);
            assert_eq!(gz(&data, true, usize::MAX), reference, "n = {n}");
            assert_eq!(gz(&data, true, 4093), reference, "n = {n}, 4093-byte writes");
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&reference[..]).read_to_end(&mut back).unwrap();
            assert_eq!(back, data, "n = {n}");
            assert_eq!(&reference[4..8], &7u32.to_le_bytes());
        }
    }

    #[test]
    fn costs_little_against_one_stream() {
        // The cut into independent blocks against the same deflate given all input at once.
        let data = sample(BLOCK * BATCH.start());
        let ours = gz(&data, true, usize::MAX).len();
        let one = deflate::whole(&data).unwrap().len() + HEADER_LEN as usize + 8;
        assert!(ours as f64 <= one as f64 * 1.005, "{ours} vs {one}");
    }
}
