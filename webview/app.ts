/**
 * The migration panel's UI: header, actions, slot map with legend, plan
 * (with rebalance options), progress, summary and event log. Plain HTML with
 * VS Code's theme variables; every control is a native element reachable by
 * keyboard, with ARIA labels where the visible text is not enough.
 */
import type { LoadMeasure } from '../src/engine/model/load';
import {
  phaseBadgeKey,
  reduceSnapshot,
  type GroupProgressView,
  type HostToWebview,
  type LogEntry,
  type NodeView,
  type PanelMode,
  type PanelSnapshot,
  type PersistedState,
  type PlanView,
  type RebalanceOptionsView,
  type StringTable,
  type WebviewNotification,
  type WebviewRequest,
} from '../src/shared/protocol';
import { NONE, SLOTS, buildOwnerMap, buildTargetMap, countByOwner, formatRanges, ownersAfter } from '../src/shared/slotMap';
import { EN_STRINGS, translator, type StringKey } from '../src/shared/strings';
import { h, replaceContent, type Child } from './dom';
import { Formatter, type T } from './format';
import { SlotMapView, type MapModel } from './slotMapView';

type RequestBody = WebviewRequest extends infer R ? (R extends { requestId: number } ? Omit<R, 'requestId'> : never) : never;

/** What the webview saves with setState: the protocol's PersistedState plus its own display extras. */
export interface SavedState extends PersistedState {
  readonly strings?: StringTable;
  readonly mode?: PanelMode;
  readonly running?: boolean;
}

export interface Transport {
  request(body: RequestBody): Promise<void>;
  notify(m: WebviewNotification): void;
  persist(state: SavedState): void;
}

interface Derived {
  readonly view: PlanView;
  readonly ownerBefore: Int32Array;
  readonly target: Int32Array;
  readonly indexOf: ReadonlyMap<string, number>;
}

export class App {
  private strings: StringTable = EN_STRINGS;
  private t: T = translator(EN_STRINGS);
  private fmt = new Formatter('en', this.t);
  private mode: PanelMode = 'live';
  private running = false;
  private canResume = false;
  private snapshot: PanelSnapshot | null = null;
  private keyCounts: Int32Array | null = null;
  private keysDone = false;
  private keysError: string | null = null;
  private shade = false;
  /** The "Fast" box: run without the client-latency budget. */
  private fast = false;
  private shadeBy: LoadMeasure = 'keys';
  private pending = new Set<string>();
  private notice: string | null = null;
  private optionsError: string | null = null;
  private derived: Derived | null = null;
  private optionsSignature = '';
  /** What the toolbar shows now: it is rebuilt only when that changes (a button replaced on every progress message cannot be clicked). */
  private toolbarSignature = '';
  private persistTimer: number | undefined;
  private readonly map: SlotMapView;

  private readonly els = {
    header: h('header', { class: 'header' }),
    banners: h('div', { class: 'banners' }),
    toolbar: h('div', { class: 'toolbar', role: 'toolbar' }),
    mapSection: h('section', { class: 'card map-card', 'aria-labelledby': 'map-heading' }),
    mapControls: h('div', { class: 'map-controls' }),
    legend: h('div', { class: 'legend' }),
    plan: h('section', { class: 'card', id: 'plan-section', 'aria-labelledby': 'plan-heading' }),
    options: h('section', { class: 'card', id: 'options-section', 'aria-labelledby': 'options-heading' }),
    progress: h('section', { class: 'card', id: 'progress-section', 'aria-labelledby': 'progress-heading' }),
    summary: h('section', { class: 'card', id: 'summary-section', 'aria-labelledby': 'summary-heading' }),
    log: h('section', { class: 'card', id: 'log-section', 'aria-labelledby': 'log-heading' }),
  };

  constructor(
    private readonly root: HTMLElement,
    private readonly transport: Transport,
  ) {
    this.map = new SlotMapView(this.t, this.fmt);
  }

  /** Shows a persisted state at once (before the host's init arrives). */
  restore(state: SavedState): void {
    if (state.strings) this.setStrings(state.strings, document.documentElement.lang || 'en');
    this.snapshot = state.snapshot;
    this.shade = state.shadeByKeys;
    this.shadeBy = state.shadeBy ?? 'keys';
    if (state.keyCounts && state.keyCounts.length === SLOTS) {
      this.keyCounts = Int32Array.from(state.keyCounts);
      this.keysDone = true;
    }
    this.mode = state.mode ?? 'restored';
    this.running = state.running ?? false;
    this.mount();
    this.render();
  }

  private setStrings(strings: StringTable, locale: string): void {
    this.strings = strings;
    this.t = translator(strings);
    this.fmt = new Formatter(locale, this.t);
    this.map.setText(this.t, this.fmt);
    this.optionsSignature = '';
    this.toolbarSignature = '';
    this.logList = null;
  }

  private mounted = false;
  private readonly side = h('div', { class: 'col-side' });
  private sideOrder = '';

  private mount(): void {
    const { els } = this;
    this.root.replaceChildren(els.header, els.banners, els.toolbar, h('div', { class: 'layout' }, h('div', { class: 'col-map' }, els.mapSection), this.side));
    this.sideOrder = '';
    this.root.removeAttribute('aria-busy');
    this.mounted = true;
  }

  /** What matters most comes first: the plan before a run, progress during it, the summary after it. */
  private arrangeSide(phase: PanelSnapshot['phase']): void {
    if (phase === this.sideOrder) return;
    this.sideOrder = phase;
    const { plan, options, progress, summary, log } = this.els;
    const order =
      phase === 'preview'
        ? [plan, options, progress, summary, log]
        : phase === 'running'
          ? [progress, log, plan, options, summary]
          : [summary, progress, plan, log, options];
    this.side.replaceChildren(...order);
  }

  onMessage(m: HostToWebview): void {
    switch (m.type) {
      case 'init':
        document.documentElement.lang = m.locale;
        this.setStrings(m.strings, m.locale);
        this.mode = m.mode;
        this.running = m.running;
        this.canResume = m.canResume;
        if (m.snapshot) this.snapshot = m.snapshot;
        this.seedKeysFromLoad();
        this.mount();
        this.render();
        if (this.mode === 'live' && !this.keysDone && this.snapshot) this.loadKeys();
        break;
      case 'keyCounts': {
        this.keyCounts ??= new Int32Array(SLOTS).fill(-1);
        for (const [s, k] of m.entries) if (s >= 0 && s < SLOTS) this.keyCounts[s] = k;
        this.keysDone = m.done;
        this.renderMap();
        this.renderPlan();
        break;
      }
      case 'plan':
        this.snapshot = this.snapshot && reduceSnapshot(this.snapshot, m);
        this.seedKeysFromLoad();
        this.optionsError = null;
        this.render();
        break;
      case 'runStarted':
        this.running = true;
        this.canResume = false;
        this.notice = null;
        this.snapshot = this.snapshot && reduceSnapshot(this.snapshot, m);
        this.render();
        this.focusById('btn-cancel-run');
        break;
      case 'progress':
        this.snapshot = this.snapshot && reduceSnapshot(this.snapshot, m);
        this.render();
        break;
      case 'runFinished':
        this.running = false;
        this.snapshot = this.snapshot && reduceSnapshot(this.snapshot, m);
        this.render();
        document.getElementById('summary-heading')?.focus();
        break;
      case 'demoted':
        this.snapshot = this.snapshot && reduceSnapshot(this.snapshot, m);
        this.render();
        break;
      case 'response':
        break;
    }
    this.schedulePersist();
  }

  // ------------------------------------------------------------ actions

  private async call(body: RequestBody, onError?: (e: string) => void): Promise<void> {
    this.pending.add(body.type);
    this.renderChrome();
    try {
      await this.transport.request(body);
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      if (onError) onError(text);
      else this.notice = text;
    } finally {
      this.pending.delete(body.type);
      this.render();
    }
  }

  /** A plan that comes with per-slot load already has exact key counts: no need to count again. */
  private seedKeysFromLoad(): void {
    const load = this.snapshot?.view.slotLoad;
    if (!load || load.keys.length !== SLOTS) return;
    this.keyCounts = Int32Array.from(load.keys);
    this.keysDone = true;
    this.keysError = null;
  }

  /** Per-slot values the map shades by, for the chosen measure (keys: the counts). */
  private shadeValues(): ArrayLike<number> | null {
    const load = this.snapshot?.view.slotLoad;
    if (this.shadeBy === 'memory' && load) return load.memory;
    if (this.shadeBy === 'cpu' && load?.cpu) return load.cpu;
    return this.keyCounts;
  }

  private loadKeys(): void {
    this.keysError = null;
    void this.call({ type: 'loadKeyCounts' }, (e) => {
      this.keysError = e;
    });
  }

  private execute = (): void => {
    this.notice = null;
    void this.call({ type: 'execute', ...(this.fast ? { fast: true } : {}) });
  };

  private resume = (): void => {
    this.notice = null;
    void this.call({ type: 'resume', ...(this.fast ? { fast: true } : {}) });
  };

  private exportPlan = (): void => {
    void this.call({ type: 'exportPlan' });
  };

  private dismiss = (): void => {
    this.transport.notify({ type: 'dismiss' });
  };

  private cancelRun = (): void => {
    this.transport.notify({ type: 'cancelRun' });
  };

  private viewCheck = (): void => {
    this.transport.notify({ type: 'viewCheck' });
  };

  private recompute = (e: Event): void => {
    e.preventDefault();
    const view = this.snapshot?.view;
    if (!view?.rebalance) return;
    const form = this.els.options.querySelector('form');
    if (!form) return;
    const thresholdInput = form.querySelector<HTMLInputElement>('#opt-threshold')!;
    const threshold = Number(thresholdInput.value);
    if (!Number.isFinite(threshold) || threshold <= 0) {
      this.optionsError = this.t('options.invalidThreshold');
      this.renderOptions(true);
      document.getElementById('opt-threshold')?.focus();
      return;
    }
    const weights: string[] = [];
    for (const input of form.querySelectorAll<HTMLInputElement>('input[data-node-id]')) {
      const w = Number(input.value);
      if (input.value.trim() === '' || !Number.isFinite(w) || w < 0) {
        this.optionsError = this.t('options.invalidWeight');
        this.renderOptions(true);
        input.focus();
        return;
      }
      if (w !== 1) weights.push(`${input.dataset.nodeId}=${input.value.trim()}`);
    }
    const options: RebalanceOptionsView = {
      weights,
      threshold,
      useEmptyMasters: form.querySelector<HTMLInputElement>('#opt-empty')!.checked,
    };
    this.optionsError = null;
    void this.call({ type: 'recompute', options }, (err) => {
      this.optionsError = err;
      this.renderOptions(true);
    });
  };

  private revealNode(nodeId: string): void {
    this.transport.notify({ type: 'revealNode', nodeId });
  }

  // ------------------------------------------------------------ state helpers

  private derive(): Derived | null {
    const view = this.snapshot?.view;
    if (!view) return null;
    if (this.derived?.view === view) return this.derived;
    const indexOf = new Map(view.nodes.map((n, i) => [n.id, i]));
    this.derived = {
      view,
      indexOf,
      ownerBefore: buildOwnerMap(view.nodes),
      target: buildTargetMap(view.groups, (id) => indexOf.get(id) ?? NONE),
    };
    return this.derived;
  }

  private schedulePersist(): void {
    if (this.persistTimer !== undefined) return;
    this.persistTimer = window.setTimeout(() => {
      this.persistTimer = undefined;
      if (!this.snapshot) return;
      this.transport.persist({
        snapshot: this.snapshot,
        keyCounts: this.keyCounts && this.keysDone ? Array.from(this.keyCounts) : null,
        shadeByKeys: this.shade,
        shadeBy: this.shadeBy,
        strings: this.strings,
        mode: this.mode,
        running: this.running,
      });
    }, 300);
  }

  private focusById(id: string): void {
    document.getElementById(id)?.focus();
  }

  private addr(id: string): string {
    return this.snapshot?.view.nodes.find((n) => n.id === id)?.addr ?? id.slice(0, 8);
  }

  // ------------------------------------------------------------ rendering

  render(): void {
    if (!this.mounted || !this.snapshot) return;
    this.arrangeSide(this.snapshot.phase);
    this.renderChrome();
    this.renderMap();
    this.renderPlan();
    this.renderOptions(false);
    this.renderProgress();
    this.renderSummary();
    this.renderLog();
  }

  private renderChrome(): void {
    const s = this.snapshot;
    if (!s) return;
    const { t } = this;
    const v = s.view;
    const masters = v.nodes.filter((n) => !n.flags.includes('unreachable')).length;
    const phaseKey = phaseBadgeKey(s, this.mode === 'restored' && !this.running);
    replaceContent(
      this.els.header,
      h('h1', null, t('header.title', t(`kind.${v.kind}`), v.clusterName)),
      h('span', { class: `badge phase-${s.phase}`, id: 'phase-badge', 'data-phase': s.phase, 'data-status': s.summary?.status }, t(phaseKey)),
      h('p', { class: 'subtitle' }, t('header.entry', v.entry, masters)),
    );

    const banners: Child[] = [];
    if (this.mode === 'restored' && !this.running) {
      banners.push(h('div', { class: 'banner info', role: 'status' }, t('banner.restored')));
      if (s.phase === 'running') banners.push(h('div', { class: 'banner warn', role: 'status' }, t('banner.interrupted')));
      if (this.canResume) banners.push(h('div', { class: 'banner info', role: 'status' }, t('banner.resumeHint')));
    }
    if (v.nothingToDo && s.phase === 'preview') {
      banners.push(
        h(
          'div',
          { class: 'banner info', role: 'status', id: 'banner-nothing' },
          v.nothingToDo.reason === 'balanced' ? t('banner.nothing.balanced', this.fmt.d(v.nothingToDo.threshold ?? 2)) : t('banner.nothing.empty'),
        ),
      );
    }
    if (v.openSlots.length > 0 && s.phase === 'preview') {
      banners.push(h('div', { class: 'banner warn', role: 'status' }, t('banner.openSlots', v.openSlots.length)));
    }
    if (this.notice) banners.push(h('div', { class: 'banner error', role: 'alert', id: 'notice' }, this.notice));
    replaceContent(this.els.banners, banners);

    const specs: string[] = [];
    const btn = (id: string, label: string, onClick: () => void, opts: { primary?: boolean; disabled?: boolean; aria?: string } = {}) => (
      specs.push(JSON.stringify([id, label, opts])),
      h(
        'button',
        {
          id,
          type: 'button',
          'data-fk': id,
          class: opts.primary ? 'btn primary' : 'btn secondary',
          disabled: opts.disabled === true,
          'aria-label': opts.aria,
          onclick: onClick as EventListener,
        },
        label,
      )
    );
    const buttons: Child[] = [];
    const hasPlan = v.plan !== null;
    const busy = (k: string) => this.pending.has(k);
    if (this.running) {
      const stopping = s.run?.stopping === true;
      buttons.push(
        btn('btn-cancel-run', stopping ? t('action.stopping') : t('action.cancel'), this.cancelRun, {
          primary: true,
          disabled: stopping,
          aria: stopping ? t('action.stopping') : t('action.cancelRun'),
        }),
      );
    } else if (s.phase === 'preview' && this.mode === 'live') {
      buttons.push(btn('btn-execute', t('action.execute'), this.execute, { primary: true, disabled: !hasPlan || busy('execute') || busy('recompute') }));
      buttons.push(
        h(
          'label',
          { class: 'check', title: t('action.fastHint') },
          h('input', {
            type: 'checkbox',
            id: 'opt-fast',
            'data-fk': 'opt-fast',
            checked: this.fast,
            onchange: ((e: Event) => {
              this.fast = (e.target as HTMLInputElement).checked;
            }) as EventListener,
          }),
          t('action.fast'),
        ),
      );
      buttons.push(btn('btn-export', t('action.export'), this.exportPlan, { disabled: !hasPlan || busy('exportPlan') }));
      buttons.push(btn('btn-cancel', t('action.cancel'), this.dismiss));
    } else {
      const resumable = this.mode === 'live' ? s.summary?.resumable === true : this.canResume;
      if (resumable) buttons.push(btn('btn-resume', t('action.resume'), this.resume, { primary: true, disabled: busy('resume') }));
      if (hasPlan) buttons.push(btn('btn-export', t('action.export'), this.exportPlan, { disabled: busy('exportPlan') }));
      buttons.push(btn('btn-close', t('action.close'), this.dismiss));
    }
    this.els.toolbar.setAttribute('aria-label', t('toolbar.label'));
    const signature = specs.join('|');
    if (signature === this.toolbarSignature) return;
    this.toolbarSignature = signature;
    replaceContent(this.els.toolbar, buttons);
  }

  private renderMap(): void {
    const s = this.snapshot;
    const d = this.derive();
    if (!s || !d) return;
    const { t, fmt } = this;
    const done = new Set(s.doneSlots);
    const owner = ownersAfter(d.ownerBefore, d.target, done);
    const model: MapModel = {
      nodes: d.view.nodes,
      owner,
      ownerBefore: d.ownerBefore,
      target: d.target,
      done,
      open: s.phase === 'preview' ? d.view.openSlots : [],
      keyCounts: this.keyCounts,
      shade: this.shade,
      shadeValues: this.shadeValues(),
      load: d.view.slotLoad ? { memory: d.view.slotLoad.memory, cpu: d.view.slotLoad.cpu, memoryEstimated: d.view.slotLoad.memoryEstimated } : null,
    };
    this.map.update(model);

    // Controls: shading toggle and the key-count status.
    let keysText = '';
    if (this.keysError) keysText = t('map.keysFailed', this.keysError);
    else if (this.keyCounts) {
      let counted = 0;
      let total = 0;
      let max = 0;
      for (const k of this.keyCounts)
        if (k >= 0) {
          counted++;
          total += k;
          if (k > max) max = k;
        }
      const owned = d.view.nodes.reduce((a, n) => a + (n.flags.includes('unreachable') ? 0 : n.slotCount), 0);
      keysText = this.keysDone ? t('map.keysLoaded', fmt.n(counted), fmt.n(total), fmt.n(max)) : t('map.keysLoading', fmt.n(counted), fmt.n(owned));
    }
    replaceContent(
      this.els.mapControls,
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          id: 'shade-keys',
          'data-fk': 'shade-keys',
          checked: this.shade,
          disabled: !this.keyCounts,
          onchange: ((e: Event) => {
            this.shade = (e.target as HTMLInputElement).checked;
            this.renderMap();
            this.schedulePersist();
          }) as EventListener,
        }),
        this.snapshot?.view.slotLoad ? t('map.shadeBy') : t('map.shade'),
      ),
      this.measureSelect(),
      h('span', { class: 'muted', id: 'keys-status', 'aria-live': 'polite' }, keysText),
    );

    // Legend: one button per master (reveals it in the tree).
    const counts = countByOwner(owner, d.view.nodes.length);
    const unassigned = owner.reduce((a, o) => a + (o === NONE ? 1 : 0), 0);
    const showAfter = s.phase !== 'finished' && d.view.plan !== null;
    const items = d.view.nodes.map((n: NodeView, i: number) => {
      const count = counts[i]!;
      const share = fmt.share(count, SLOTS);
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = this.map.colourOf(n.id);
      const after = showAfter && n.slotsAfter !== n.slotCount ? t('legend.after', fmt.n(n.slotsAfter)) : '';
      const flags = n.flags.length > 0 ? ` (${t('legend.flags', n.flags.join(','))})` : '';
      return h(
        'li',
        null,
        h(
          'button',
          {
            type: 'button',
            class: 'legend-item',
            'data-node-id': n.id,
            'data-fk': `legend-${n.id}`,
            'aria-label': t('legend.reveal', n.addr, fmt.n(count), share, after ? t('legend.revealAfter', fmt.n(n.slotsAfter)) : '') + flags,
            title: n.id,
            onclick: (() => this.revealNode(n.id)) as EventListener,
          },
          swatch,
          h('span', { class: 'addr' }, n.addr),
          h('span', { class: 'count' }, t('plan.slotsUnit', fmt.n(count))),
          h('span', { class: 'share muted' }, share),
          after ? h('span', { class: 'after' }, after) : null,
          flags ? h('span', { class: 'flags' }, flags) : null,
        ),
      );
    });
    const keyItems: Child[] = [];
    if (unassigned > 0)
      keyItems.push(
        h('li', { class: 'legend-key' }, h('span', { class: 'swatch unowned', 'aria-hidden': 'true' }), `${t('map.unassigned')} (${fmt.n(unassigned)})`),
      );
    if (d.view.plan && s.phase !== 'finished') {
      // Drawn as the map draws a moving slot: a real target's colour with the corner mark (a foreground-only
      // swatch was a dark square in the light theme, nothing like the map).
      const moving = h('span', { class: 'swatch moving', 'aria-hidden': 'true' });
      const firstTarget = d.target.find((x) => x !== NONE);
      if (firstTarget !== undefined && d.view.nodes[firstTarget]) moving.style.setProperty('--target', this.map.colourOf(d.view.nodes[firstTarget].id));
      keyItems.push(h('li', { class: 'legend-key' }, moving, t('map.moving')));
    }
    if (model.open.length > 0) keyItems.push(h('li', { class: 'legend-key' }, h('span', { class: 'swatch open', 'aria-hidden': 'true' }), t('map.open')));
    replaceContent(
      this.els.legend,
      h('h3', { id: 'legend-heading' }, t('map.legend')),
      h('ul', { class: 'legend-list', 'aria-labelledby': 'legend-heading' }, items),
      keyItems.length > 0 ? h('ul', { class: 'legend-keys' }, keyItems) : null,
    );

    if (this.els.mapSection.childElementCount === 0 || !this.els.mapSection.contains(this.map.element)) {
      replaceContent(
        this.els.mapSection,
        h('h2', { id: 'map-heading' }, t('map.heading')),
        this.els.mapControls,
        this.map.element,
        this.map.statusElement,
        this.els.legend,
      );
    }
  }

  /** Keys / memory / CPU for the shading, when the plan came with per-slot load. */
  private measureSelect(): Child {
    const load = this.snapshot?.view.slotLoad;
    if (!load) return null;
    const measures: LoadMeasure[] = load.cpu ? ['keys', 'memory', 'cpu'] : ['keys', 'memory'];
    return h(
      'select',
      {
        id: 'shade-measure',
        'data-fk': 'shade-measure',
        disabled: !this.shade,
        'aria-label': this.t('map.shadeBy'),
        onchange: ((e: Event) => {
          this.shadeBy = (e.target as HTMLSelectElement).value as LoadMeasure;
          this.renderMap();
          this.schedulePersist();
        }) as EventListener,
      },
      measures.map((m) => h('option', { value: m, selected: m === this.shadeBy }, this.t(`measure.${m}`))),
    );
  }

  /** Before/after bars per master for a load-based plan (the same share texts rcm prints). */
  private loadBars(): Child {
    const shares = this.snapshot?.view.loadShares;
    if (!shares) return null;
    const { t } = this;
    const measure = t(`measure.${shares.measure}`);
    const bar = (pct: number, target: number, cls: string) => {
      const fill = h('div', { class: `bar-fill ${cls}` });
      fill.style.width = `${Math.min(100, Math.max(0, pct))}%`;
      const mark = h('div', { class: 'bar-target' });
      mark.style.left = `${Math.min(100, Math.max(0, target))}%`;
      return h('div', { class: 'bar load-bar', 'aria-hidden': 'true' }, fill, mark);
    };
    const rows = shares.bars.map((b) =>
      h(
        'div',
        {
          class: 'load-row',
          'data-node-id': b.id,
          role: 'img',
          'aria-label': t('load.barLabel', this.addr(b.id), b.beforeText, measure, b.afterText),
        },
        this.nodeLabel(b.id),
        h(
          'div',
          { class: 'load-bars' },
          h('span', { class: 'muted' }, t('load.before')),
          bar(b.before, b.target, 'before'),
          h('span', { class: 'muted' }, t('load.after')),
          bar(b.after, b.target, 'after'),
        ),
        h('span', { class: 'load-text', 'data-before': b.beforeText, 'data-after': b.afterText }, t('load.row', b.beforeText, b.afterText, b.targetText)),
      ),
    );
    return h(
      'div',
      { class: 'load-shares', id: 'load-shares', 'data-measure': shares.measure },
      h('h3', null, t('load.heading', measure)),
      rows,
      h(
        'p',
        { class: shares.withinThreshold ? 'muted' : 'warn-text' },
        t(shares.withinThreshold ? 'load.within' : 'load.notWithin', this.fmt.d(shares.threshold)),
      ),
    );
  }

  private keysIn(ranges: readonly { start: number; end: number }[]): number | null {
    if (!this.keyCounts || !this.keysDone) return null;
    let sum = 0;
    for (const r of ranges) for (let s = r.start; s <= r.end; s++) sum += Math.max(0, this.keyCounts[s]!);
    return sum;
  }

  private renderPlan(): void {
    const s = this.snapshot;
    if (!s) return;
    const { t, fmt } = this;
    const v = s.view;
    if (!v.plan) {
      replaceContent(
        this.els.plan,
        h('h2', { id: 'plan-heading' }, t('plan.heading')),
        h(
          'p',
          { class: 'muted', id: 'plan-empty' },
          v.nothingToDo?.reason === 'balanced' ? t('banner.nothing.balanced', fmt.d(v.nothingToDo.threshold ?? 2)) : t('banner.nothing.empty'),
        ),
        this.loadBars(),
      );
      return;
    }
    const involved = new Set(v.groups.flatMap((g) => [g.sourceId, g.targetId])).size;
    const rows = v.groups.map((g, i) => {
      const shown = formatRanges(g.slots, 6);
      const keys = this.keysIn(g.slots);
      return h(
        'tr',
        { 'data-group': i },
        h('td', null, this.nodeLabel(g.sourceId)),
        h('td', null, this.nodeLabel(g.targetId)),
        h(
          'td',
          { class: 'ranges' },
          shown.text,
          shown.more > 0 ? h('details', null, h('summary', null, t('plan.moreRanges', shown.more)), formatRanges(g.slots.slice(6)).text) : null,
        ),
        h('td', { class: 'num' }, t('plan.slotsUnit', fmt.n(g.slotCount))),
        h('td', { class: 'num' }, keys === null ? '…' : fmt.n(keys)),
      );
    });
    const totalKeys = this.keysIn(v.groups.flatMap((g) => g.slots));
    replaceContent(
      this.els.plan,
      h('h2', { id: 'plan-heading' }, t('plan.heading')),
      h(
        'p',
        { class: 'totals' },
        h(
          'span',
          { id: 'plan-total-slots', 'data-value': v.totalSlots, 'data-groups': v.groups.length },
          t('plan.totals', fmt.n(v.totalSlots), v.groups.length, involved),
        ),
        ' · ',
        h(
          'span',
          { id: 'plan-total-keys', 'data-value': totalKeys ?? '' },
          totalKeys === null ? t('plan.keysUnknown') : t('plan.totalsKeys', fmt.n(totalKeys)),
        ),
      ),
      this.loadBars(),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'plan-table', id: 'plan-table' },
          h('caption', { class: 'visually-hidden' }, t('plan.caption')),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, t('plan.col.source')),
              h('th', { scope: 'col' }, t('plan.col.target')),
              h('th', { scope: 'col' }, t('plan.col.ranges')),
              h('th', { scope: 'col', class: 'num' }, t('plan.col.count')),
              h('th', { scope: 'col', class: 'num' }, t('plan.col.keys')),
            ),
          ),
          h('tbody', null, rows),
          h(
            'tfoot',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'row', colspan: 3 }, t('plan.total')),
              h('td', { class: 'num' }, t('plan.slotsUnit', fmt.n(v.totalSlots))),
              h('td', { class: 'num' }, totalKeys === null ? '…' : fmt.n(totalKeys)),
            ),
          ),
        ),
      ),
    );
  }

  private nodeLabel(id: string): HTMLElement {
    const sw = h('span', { class: 'swatch small', 'aria-hidden': 'true' });
    sw.style.background = this.map.colourOf(id);
    return h('span', { class: 'node-label', title: id }, sw, this.addr(id));
  }

  private renderOptions(force: boolean): void {
    const s = this.snapshot;
    if (!s) return;
    const v = s.view;
    const editable = this.mode === 'live' && s.phase === 'preview' && !this.running && v.rebalance !== undefined;
    const sig = `${editable}|${s.phase}|${JSON.stringify(v.rebalance ?? null)}|${v.nodes.map((n) => `${n.id}:${n.weight ?? ''}`).join(',')}|${this.pending.has('recompute')}`;
    if (!force && sig === this.optionsSignature) return;
    this.optionsSignature = sig;
    const { t, fmt } = this;
    const settings = v.settings;
    const settingRows = h(
      'dl',
      { class: 'settings' },
      h('dt', null, t('options.pipeline')),
      h('dd', null, settings.pipeline === undefined ? t('options.pipelineAdaptive') : fmt.n(settings.pipeline)),
      h('dt', null, t('options.timeout')),
      h('dd', null, t('options.timeoutValue', fmt.n(settings.timeoutMs))),
      h('dt', null, t('options.replace')),
      h('dd', null, t(settings.replace ? 'options.yes' : 'options.no')),
    );
    let form: Child = null;
    if (v.rebalance) {
      const r = v.rebalance;
      const disabled = !editable || this.pending.has('recompute');
      const weightRows = v.nodes
        .filter((n) => !n.flags.includes('unreachable') && (n.slotCount > 0 || r.useEmptyMasters || n.weight !== undefined))
        .map((n) =>
          h(
            'div',
            { class: 'weight-row' },
            h('label', { for: `w-${n.id}` }, this.nodeLabel(n.id)),
            h('input', {
              type: 'number',
              id: `w-${n.id}`,
              'data-node-id': n.id,
              'data-fk': `w-${n.id}`,
              min: 0,
              step: 'any',
              value: String(n.weight ?? 1),
              'aria-label': t('options.weightFor', n.addr),
              disabled,
              class: 'weight',
            }),
          ),
        );
      form = h(
        'form',
        { id: 'options-form', onsubmit: this.recompute as EventListener, novalidate: true },
        h('fieldset', { disabled }, h('legend', null, t('options.weights')), weightRows),
        h(
          'div',
          { class: 'form-row' },
          h('label', { for: 'opt-threshold' }, t('options.threshold')),
          h('input', { type: 'number', id: 'opt-threshold', 'data-fk': 'opt-threshold', min: 0.1, step: 'any', value: String(r.threshold), disabled }),
        ),
        h(
          'div',
          { class: 'form-row' },
          h(
            'label',
            { class: 'check' },
            h('input', { type: 'checkbox', id: 'opt-empty', 'data-fk': 'opt-empty', checked: r.useEmptyMasters, disabled }),
            t('options.useEmpty'),
          ),
        ),
        this.optionsError ? h('p', { class: 'error', role: 'alert', id: 'options-error' }, this.optionsError) : null,
        editable
          ? h(
              'button',
              { type: 'submit', class: 'btn secondary', id: 'btn-recompute', 'data-fk': 'btn-recompute', disabled: this.pending.has('recompute') },
              this.pending.has('recompute') ? t('options.recomputing') : t('action.recompute'),
            )
          : null,
      );
    }
    replaceContent(this.els.options, h('h2', { id: 'options-heading' }, t('options.heading')), form, settingRows);
  }

  private bar(done: number, total: number, label: string, id?: string): HTMLElement {
    const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
    const fill = h('div', { class: 'bar-fill' });
    fill.style.width = `${pct}%`;
    return h(
      'div',
      {
        class: 'bar',
        role: 'progressbar',
        id,
        'aria-label': label,
        'aria-valuemin': 0,
        'aria-valuemax': total,
        'aria-valuenow': done,
        'aria-valuetext': `${this.fmt.n(done)} / ${this.fmt.n(total)}`,
      },
      fill,
    );
  }

  private renderProgress(): void {
    const s = this.snapshot;
    const run = s?.run;
    this.els.progress.hidden = !run;
    if (!s || !run) {
      this.els.progress.replaceChildren();
      return;
    }
    const { t, fmt } = this;
    const p = run.progress;
    const stat = (k: StringKey, value: string, id: string) => [h('dt', null, t(k)), h('dd', { id }, value)];
    const groupRow = (g: GroupProgressView) =>
      h(
        'tr',
        { 'data-state': g.state },
        h(
          'td',
          null,
          this.nodeLabel(g.sourceId),
          ' → ',
          this.nodeLabel(g.targetId),
          g.strategy ? ` (${g.strategy}${g.jobState ? `: ${g.jobState}` : ''})` : '',
        ),
        h('td', null, this.bar(g.slotsDone, g.slots, `${this.addr(g.sourceId)} → ${this.addr(g.targetId)}`)),
        h('td', { class: 'num' }, t('progress.slotsValue', fmt.n(g.slotsDone), fmt.n(g.slots))),
        h('td', { class: 'num' }, fmt.n(g.keysMoved)),
        h('td', null, t(`progress.state.${g.state}`)),
      );
    replaceContent(
      this.els.progress,
      h('h2', { id: 'progress-heading' }, t('progress.heading')),
      this.bar(p.slotsDone, p.totalSlots, t('progress.overall'), 'overall-progress'),
      run.stopping && this.running ? h('p', { class: 'banner warn', role: 'status' }, t('progress.stopping')) : null,
      h(
        'dl',
        { class: 'stats' },
        stat('progress.slots', t('progress.slotsValue', fmt.n(p.slotsDone), fmt.n(p.totalSlots)), 'progress-slots'),
        stat('progress.keys', p.keysTotal > 0 ? t('progress.keysValue', fmt.n(p.keysMoved), fmt.n(p.keysTotal)) : fmt.n(p.keysMoved), 'progress-keys'),
        stat('progress.rate', t('progress.rateValue', fmt.n(p.keysPerSec)), 'progress-rate'),
        stat('progress.eta', p.etaSec === null || s.phase === 'finished' ? t('progress.unknown') : fmt.duration(p.etaSec * 1000), 'progress-eta'),
        stat('progress.elapsed', fmt.duration(p.elapsedMs), 'progress-elapsed'),
      ),
      h('h3', null, t('progress.perMove')),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'groups-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, `${t('plan.col.source')} → ${t('plan.col.target')}`),
              h('th', { scope: 'col' }, t('progress.heading')),
              h('th', { scope: 'col', class: 'num' }, t('progress.slots')),
              h('th', { scope: 'col', class: 'num' }, t('plan.col.keys')),
              h('th', { scope: 'col' }, ''),
            ),
          ),
          h('tbody', null, run.groups.map(groupRow)),
        ),
      ),
    );
    this.els.progress.setAttribute('aria-busy', String(this.running));
  }

  private renderSummary(): void {
    const sum = this.snapshot?.summary;
    this.els.summary.hidden = !sum;
    if (!sum) {
      this.els.summary.replaceChildren();
      return;
    }
    const { t, fmt } = this;
    const title = t(sum.status === 'done' ? 'summary.done' : sum.status === 'cancelled' ? 'summary.cancelled' : 'summary.failed');
    const row = (k: StringKey, value: Child, id?: string) => [h('dt', null, t(k)), h('dd', { id }, value)];
    const check = sum.check;
    replaceContent(
      this.els.summary,
      h('h2', { id: 'summary-heading', tabindex: -1 }, t('summary.heading')),
      h('p', { class: `status status-${sum.status}`, id: 'summary-status', 'data-status': sum.status, role: 'status' }, title),
      h(
        'dl',
        { class: 'stats' },
        row('summary.moved', t('progress.slotsValue', fmt.n(sum.slotsMoved), fmt.n(sum.totalSlots)), 'summary-moved'),
        row('summary.keys', fmt.n(sum.keysMoved), 'summary-keys'),
        row('summary.duration', fmt.duration(sum.durationMs), 'summary-duration'),
        row('summary.rate', t('progress.rateValue', fmt.n(sum.keysPerSec)), 'summary-rate'),
        row(
          'summary.verify',
          sum.slotsMoved === 0 && !sum.verified ? t('summary.checkNone') : sum.verified ? t('summary.verifyOk') : t('summary.verifyBad', sum.mismatches),
          'summary-verify',
        ),
        sum.alreadyMoved > 0 ? row('summary.alreadyMoved', fmt.n(sum.alreadyMoved)) : null,
        row(
          'summary.check',
          check === null
            ? t('summary.checkNone')
            : check.ok
              ? h('span', { class: 'ok', id: 'summary-check', 'data-ok': 'true' }, t('summary.checkOk'))
              : h(
                  'div',
                  { id: 'summary-check', 'data-ok': 'false' },
                  h('span', { class: 'error' }, t('summary.checkBad')),
                  h(
                    'ul',
                    null,
                    check.findings.map((f) => h('li', null, f)),
                  ),
                ),
        ),
        sum.error ? row('summary.error', h('span', { class: 'error' }, sum.error), 'summary-error') : null,
        sum.journalPath ? row('summary.journal', h('code', null, sum.journalPath)) : null,
      ),
      sum.demoted && sum.demoted.length > 0
        ? h(
            'ul',
            { id: 'summary-demoted', class: 'warn-text' },
            sum.demoted.map((d) => h('li', null, t('summary.demoted', d.addr, d.masterAddr))),
          )
        : null,
      check !== null
        ? h(
            'p',
            null,
            h(
              'button',
              { type: 'button', class: 'btn secondary', id: 'btn-view-check', title: t('summary.viewCheckHint'), onclick: this.viewCheck as EventListener },
              t('summary.viewCheck'),
            ),
          )
        : null,
      sum.resumable && sum.journalPath ? h('p', { class: 'muted' }, t('summary.resumeHint', sum.journalPath)) : null,
    );
  }

  private logList: HTMLOListElement | null = null;
  private logShown: readonly LogEntry[] = [];

  /** The event log grows by appending, so screen readers announce only the new lines (role=log). */
  private renderLog(): void {
    const s = this.snapshot;
    const log = s?.log ?? [];
    this.els.log.hidden = !s?.run && log.length === 0;
    if (this.els.log.hidden) {
      this.els.log.replaceChildren();
      this.logList = null;
      this.logShown = [];
      return;
    }
    const { t, fmt } = this;
    const item = (e: LogEntry) => h('li', { class: `log-${e.level}` }, h('span', { class: 'time' }, fmt.clock(e.atMs)), ' ', e.text);
    const prev = this.logShown;
    const list = this.logList;
    const atBottom = !list || list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    const appendable =
      list !== null &&
      this.els.log.contains(list) &&
      prev.length > 0 &&
      log.length >= prev.length &&
      log[0] === prev[0] &&
      log[prev.length - 1] === prev[prev.length - 1];
    if (appendable) {
      for (const e of log.slice(prev.length)) list.append(item(e));
    } else {
      const fresh = h(
        'ol',
        { class: 'log-list', role: 'log', 'aria-live': 'polite', tabindex: 0, 'aria-labelledby': 'log-heading' },
        log.length === 0 ? h('li', { class: 'muted' }, t('log.empty')) : log.map(item),
      );
      replaceContent(this.els.log, h('h2', { id: 'log-heading' }, t('log.heading')), fresh);
      this.logList = fresh;
    }
    this.logShown = log;
    if (atBottom && this.logList) this.logList.scrollTop = this.logList.scrollHeight;
  }
}
