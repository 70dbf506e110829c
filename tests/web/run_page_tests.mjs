#!/usr/bin/env node
// Browser tests of the web page: a real Chromium (Debian's /usr/bin/chromium)
// driven by playwright-core against the real sofdir-server with the demo data.
//
//   node tests/web/run_page_tests.mjs <sofdir-server> <demo-directory.jsonl> \
//        [artifact-dir] [dev-intents.jsonl]
//
// Starts the server itself (temp data dir, free ports, an auth config with a
// reader, two bookers, an editor of one unit and an admin; anonymous search
// on), runs the scenarios, stops it. Exit 0 = all passed, 1 = a failure,
// 77 = the browser or the npm packages are missing (run `make test-deps`).
// Screenshots at 1280 and 390 px go to the artifact dir (default
// ./web-artifacts). Prints the page weight and the keystroke-to-results
// median over the dev intents' texts. WEB_TEST_FILTER=<regex> runs only the
// scenarios whose name matches.
//
// The harness is page_harness.mjs; each *_scenarios.mjs file registers the
// scenarios of one part of the page, in the order they run.

import {runAll} from './page_harness.mjs';
import './search_scenarios.mjs';
import './record_scenarios.mjs';
import './praktik_scenarios.mjs';
import './account_scenarios.mjs';
import './open_mode_scenarios.mjs';
import './figure_scenarios.mjs';

await runAll();
