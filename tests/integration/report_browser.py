#!/usr/bin/env python3
"""report_browser.py — opens a report in Debian's headless Chromium through chromedriver (W3C WebDriver over
HTTP+JSON, Python standard library only) and writes what the browser saw as JSON: console log, size of every
figure / table, the summary and table cells as rendered text, scripts and resources of the page, whether any alert
opened; takes screenshots.

usage: report_browser.py INDEX.html OUT.json SHOT.png [ELEMENT_ID=SHOT.png ...]
exit 0 with OUT.json written, 77 when chromium or chromedriver is missing, 1 on a WebDriver failure.
"""
import base64, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
CHROMEDRIVER = shutil.which('chromedriver') or '/usr/bin/chromedriver'
W3C_ELEMENT = 'element-6066-11e4-a52f-4ea2a4e7e7e9'

# Runs in the page: everything the test asserts on, read from the DOM as rendered.
PROBE_JS = r"""
const rect = e => { const r = e.getBoundingClientRect(); return {w: r.width, h: r.height}; };
const cells = tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent);
const out = {};
out.figures = Array.from(document.querySelectorAll('figure')).map(f => {
  const img = f.querySelector('img');
  return {id: f.closest('section').id, figure: rect(f), img: img ? rect(img) : null,
          natural: img ? {w: img.naturalWidth, h: img.naturalHeight, complete: img.complete} : null,
          src: img ? img.getAttribute('src') : null};
});
out.tables = {};
document.querySelectorAll('section.table').forEach(s => {
  const t = s.querySelector('table');
  out.tables[s.id] = t ? {rect: rect(t), rows: Array.from(t.querySelectorAll('tbody tr')).map(cells)} : null;
});
out.nodata = Array.from(document.querySelectorAll('p.nodata')).map(p => ({id: p.closest('section').id,
                                                                           text: p.textContent}));
const st = document.getElementById('summary-table');
out.summary = st ? {rect: rect(st), rows: Array.from(st.querySelectorAll('tbody tr')).map(tr => ({
  version: tr.dataset.version, family: tr.dataset.family, port: tr.dataset.port, cells: cells(tr)}))} : null;
out.summary_text = (document.getElementById('summary') || {}).textContent || '';
out.scripts = Array.from(document.scripts).map(s => ({type: s.type, src: s.src, length: s.textContent.length}));
out.island = (() => { const e = document.getElementById('report-data');
                      try { return JSON.parse(e.textContent); } catch (x) { return {error: String(x)}; } })();
out.resources = performance.getEntriesByType('resource').map(r => r.name);
out.urls = Array.from(document.querySelectorAll('[src],[href]')).map(e => e.getAttribute('src') || e.getAttribute('href'));
out.handlers = Array.from(document.querySelectorAll('*')).flatMap(e =>
  Array.from(e.attributes).filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name));
out.body_text = document.body.innerText;
out.doc = {w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight};
out.title = document.title;
return out;
"""


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Driver:
    def __init__(self, port):
        self.base = 'http://127.0.0.1:%d' % port
        self.sid = None

    def call(self, method, path, body=None, ok_errors=()):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read().decode())['value']
        except urllib.error.HTTPError as e:
            v = json.loads(e.read().decode()).get('value', {})
            if v.get('error') in ok_errors:
                return {'error': v.get('error')}
            raise RuntimeError('%s %s: %s: %s' % (method, path, v.get('error'), v.get('message', '')[:300]))

    def s(self, method, path, body=None, ok_errors=()):
        return self.call(method, '/session/%s%s' % (self.sid, path), body, ok_errors)


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    index, out_json, shot = sys.argv[1:4]
    extra = [a.split('=', 1) for a in sys.argv[4:]]
    if not os.path.exists(CHROMIUM) or not os.path.exists(CHROMEDRIVER):
        print('chromium or chromedriver missing (Debian packages chromium, chromium-driver)')
        return 77
    port = free_port()
    profile = tempfile.mkdtemp(prefix='mpc-report-chromium.')
    log = open(os.path.join(profile, 'chromedriver.log'), 'w')
    drv = subprocess.Popen([CHROMEDRIVER, '--port=%d' % port], stdout=log, stderr=subprocess.STDOUT)
    d = Driver(port)
    try:
        for _ in range(200):
            try:
                if d.call('GET', '/status').get('ready'):
                    break
            except Exception:
                pass
            time.sleep(0.05)
        caps = {'capabilities': {'alwaysMatch': {
            'browserName': 'chrome',
            'goog:chromeOptions': {'binary': CHROMIUM, 'args': [
                '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--disable-dev-shm-usage', '--hide-scrollbars', '--user-data-dir=' + os.path.join(profile, 'u'),
                '--window-size=1366,768']},
            'goog:loggingPrefs': {'browser': 'ALL'}}}}
        sess = d.call('POST', '/session', caps)
        d.sid = sess['sessionId']
        # SHOT_HEIGHT: a taller first screenshot (README); the checks run at 1366x768 either way
        d.s('POST', '/window/rect', {'width': 1366, 'height': 768})
        d.s('POST', '/url', {'url': 'file://' + os.path.abspath(index)})
        # images decode asynchronously: wait until every one is complete (or failed)
        for _ in range(100):
            if d.s('POST', '/execute/sync', {'script': 'return Array.from(document.images).every(i => i.complete)',
                                            'args': []}):
                break
            time.sleep(0.1)
        alert = d.s('GET', '/alert/text', ok_errors=('no such alert',))
        res = d.s('POST', '/execute/sync', {'script': PROBE_JS, 'args': []})
        res['alert'] = None if isinstance(alert, dict) and alert.get('error') == 'no such alert' else alert
        try:
            res['console'] = d.s('POST', '/se/log', {'type': 'browser'})
        except RuntimeError:
            res['console'] = d.s('POST', '/log', {'type': 'browser'})
        # the first screen as a reader at 1366x768 sees it
        if os.environ.get('SHOT_HEIGHT'):
            d.s('POST', '/window/rect', {'width': 1366, 'height': int(os.environ['SHOT_HEIGHT'])})
        with open(shot, 'wb') as f:
            f.write(base64.b64decode(d.s('GET', '/screenshot')))
        for eid, path in extra:
            el = d.s('POST', '/element', {'using': 'css selector', 'value': '#' + eid})
            eid_value = el.get(W3C_ELEMENT) or el.get("ELEMENT") or next(iter(el.values()))
            d.s('POST', '/execute/sync', {'script': 'arguments[0].scrollIntoView()', 'args': [el]})
            with open(path, 'wb') as f:
                f.write(base64.b64decode(d.s('GET', '/element/%s/screenshot' % eid_value)))
        with open(out_json, 'w') as f:
            json.dump(res, f, indent=1)
        d.s('DELETE', '')
        d.sid = None
        return 0
    except Exception as e:
        print('webdriver: %s' % e)
        return 1
    finally:
        if d.sid:
            try:
                d.s('DELETE', '')
            except Exception:
                pass
        drv.terminate()
        try:
            drv.wait(10)
        except subprocess.TimeoutExpired:
            drv.kill()
        log.close()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
