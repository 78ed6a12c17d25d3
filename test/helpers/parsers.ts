import { loadPythonParser } from '../../server/src/syntax/parser';
import type { ParserBackend, PythonParser } from '../../server/src/syntax/tree';

const cache = new Map<ParserBackend, Promise<PythonParser | Error>>();

/** The parser of a backend, loaded once per test run; an Error when it cannot load here. */
export function parserFor(backend: ParserBackend): Promise<PythonParser | Error> {
  let loading = cache.get(backend);
  if (!loading) {
    loading = loadPythonParser(backend).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    cache.set(backend, loading);
  }
  return loading;
}

/**
 * The backends engine tests run on: both, unless DJSWAP_PARSER names one. A backend that cannot
 * load fails the run when DJSWAP_REQUIRE_BOTH_PARSERS=1 (CI), and is skipped otherwise.
 */
export function backendsUnderTest(): ParserBackend[] {
  const chosen = process.env.DJSWAP_PARSER;
  if (chosen === 'native' || chosen === 'wasm') return [chosen];
  return ['native', 'wasm'];
}

/** Declares a mocha suite once per backend, with the parser loaded in `before`. */
export function describeEachBackend(title: string, body: (get: () => PythonParser) => void): void {
  for (const backend of backendsUnderTest()) {
    describe(`${title} [${backend}]`, function () {
      let parser: PythonParser | undefined;
      before(async function () {
        const loaded = await parserFor(backend);
        if (loaded instanceof Error) {
          if (process.env.DJSWAP_REQUIRE_BOTH_PARSERS === '1') throw loaded;
          this.skip();
        }
        parser = loaded as PythonParser;
      });
      body(() => parser!);
    });
  }
}
