// Lighthouse (npm, locked in tests/package-lock.json) on a list of addresses with one Chromium:
// node run.mjs CHROMIUM URL... prints one JSON object {url: {category: score, failed: [audit ids]}}.
// Used by tests/test_lighthouse.py; no network: the pages come from a loopback server.
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const [chromePath, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const categories = ['accessibility', 'seo', 'best-practices'];
const results = {};
try {
  for (const url of urls) {
    const { lhr } = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error',
      onlyCategories: categories, formFactor: 'desktop', screenEmulation: { disabled: true } });
    const scores = Object.fromEntries(categories.map(c => [c, lhr.categories[c].score]));
    const failed = Object.values(lhr.audits)
      .filter(a => a.score !== null && a.score < 1 && ['binary', 'numeric'].includes(a.scoreDisplayMode))
      .map(a => a.id);
    results[url] = { ...scores, failed };
  }
} finally {
  await chrome.kill();
}
console.log(JSON.stringify(results));
