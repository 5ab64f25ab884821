/**
 * The slot map: 16384 slots on a 128×128 canvas, coloured by owner, moving
 * slots drawn in their target's colour with a corner mark, open slots
 * outlined, optional shading by keys, memory or CPU per slot, slot numbers
 * along the edges. Hover or the arrow keys (the canvas is focusable)
 * describe a slot in a tooltip and in a polite live region, refreshed
 * whenever the map changes (so it never describes a stale owner).
 */
import type { NodeView, OpenSlotView } from '../src/shared/protocol';
import { GRID, NONE, SLOTS, assignHues, keyShade, mapNeighbours, nodeColour, slotAtPoint, slotToCell, type ThemeKind } from '../src/shared/slotMap';
import { h } from './dom';
import type { Formatter, T } from './format';

export interface MapModel {
  readonly nodes: readonly NodeView[];
  /** Owner index per slot now (after the slots moved so far). */
  readonly owner: Int32Array;
  /** Owner index per slot before the plan (to describe moved slots). */
  readonly ownerBefore: Int32Array;
  /** Planned target index per slot (NONE: not moving). */
  readonly target: Int32Array;
  /** Slots already moved. */
  readonly done: ReadonlySet<number>;
  readonly open: readonly OpenSlotView[];
  readonly keyCounts: Int32Array | null;
  readonly shade: boolean;
  /** What the shading follows (keys, memory or CPU per slot); null: no shading data. */
  readonly shadeValues: ArrayLike<number> | null;
  /** Memory and CPU per slot, when the command read them (shown on hover). */
  readonly load: { readonly memory: readonly number[]; readonly cpu: readonly number[] | null; readonly memoryEstimated: boolean } | null;
}

/** Backing-store pixels per cell (the canvas is scaled down by CSS). */
const CELL = 8;
const SHADE_LEVELS = 6;

export function themeKind(): ThemeKind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

export class SlotMapView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLElement;
  private readonly status: HTMLElement;
  private model: MapModel | null = null;
  private hues: Record<string, number> = {};
  private focusSlot = 0;
  private hoverSlot = NONE;
  private keyboardActive = false;
  private maxShade = 0;
  /** The slot the tooltip / live region describe (NONE: nothing shown). */
  private described = NONE;
  private readonly axis: HTMLElement;

  constructor(
    private t: T,
    private fmt: Formatter,
  ) {
    this.canvas = h('canvas', {
      id: 'slot-map',
      width: GRID * CELL,
      height: GRID * CELL,
      tabindex: 0,
      role: 'img',
      'aria-label': t('map.label'),
      'aria-describedby': 'slot-map-status',
      'data-fk': 'slot-map',
    });
    this.tooltip = h('div', { class: 'map-tooltip', role: 'tooltip', id: 'slot-map-tooltip', hidden: true });
    this.status = h('p', { class: 'map-status', id: 'slot-map-status', 'aria-live': 'polite' });
    this.axis = h('div', { class: 'map-axis', 'aria-hidden': 'true' }, axisLabels());
    const inner = h('div', { class: 'map-inner' }, this.canvas, this.axis, this.tooltip);
    this.element = h('div', { class: 'map-frame', title: t('map.axis') }, inner);
    this.canvas.addEventListener('mousemove', (e) => this.onPointer(e));
    this.canvas.addEventListener('mouseleave', () => {
      this.hoverSlot = NONE;
      this.tooltip.hidden = true;
      if (!this.keyboardActive) this.described = NONE;
      this.draw();
    });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.canvas.addEventListener('focus', () => {
      this.keyboardActive = true;
      this.describe(this.focusSlot, true);
      this.draw();
    });
    this.canvas.addEventListener('blur', () => {
      this.keyboardActive = false;
      this.tooltip.hidden = true;
      this.described = NONE;
      // The live region described the keyboard's slot: with the focus gone it would go stale (#16 problem 8).
      this.status.textContent = '';
      this.draw();
    });
    new MutationObserver(() => this.draw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  /** New display language: labels and number formats. */
  setText(t: T, fmt: Formatter): void {
    this.t = t;
    this.fmt = fmt;
    this.canvas.setAttribute('aria-label', t('map.label'));
    this.element.title = t('map.axis');
  }

  /** The live region that describes the slot under the pointer or keyboard cursor. */
  get statusElement(): HTMLElement {
    return this.status;
  }

  hueOf(id: string): number {
    return this.hues[id] ?? 0;
  }

  colourOf(id: string): string {
    return nodeColour(this.hueOf(id), themeKind());
  }

  update(model: MapModel): void {
    const sameLayout = this.model?.ownerBefore === model.ownerBefore && this.model.target === model.target;
    this.model = model;
    // Colours follow the layout before the plan and its targets (the same for a whole run): computed once per plan.
    if (!sameLayout) {
      const ids = model.nodes.map((n) => n.id);
      this.hues = assignHues(ids, mapNeighbours(ids, model.ownerBefore, model.target));
    }
    this.maxShade = 0;
    if (model.shadeValues) for (let i = 0; i < model.shadeValues.length; i++) if (model.shadeValues[i]! > this.maxShade) this.maxShade = model.shadeValues[i]!;
    this.draw();
    // Owners, targets or figures may have changed under the described slot: describe it again.
    if (this.described !== NONE) this.describe(this.described, this.status.textContent !== '');
  }

  private colourAt(slot: number, theme: ThemeKind, unowned: string): string {
    const m = this.model!;
    const o = m.owner[slot]!;
    if (o === NONE) return unowned;
    let shade = 0;
    if (m.shade && m.shadeValues) {
      shade = Math.round(keyShade(m.shadeValues[slot]!, this.maxShade) * SHADE_LEVELS) / SHADE_LEVELS;
    }
    return nodeColour(this.hueOf(m.nodes[o]!.id), theme, shade);
  }

  draw(): void {
    const m = this.model;
    const ctx = this.canvas.getContext('2d');
    if (!m || !ctx) return;
    const theme = themeKind();
    const light = theme === 'light' || theme === 'high-contrast-light';
    const unowned = light ? '#d4d4d4' : '#3a3a3a';
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    // Owner colours, one fillRect per run of equal colour within a row.
    for (let row = 0; row < GRID; row++) {
      let runStart = 0;
      let runColour = this.colourAt(row * GRID, theme, unowned);
      for (let col = 1; col <= GRID; col++) {
        const c = col < GRID ? this.colourAt(row * GRID + col, theme, unowned) : '';
        if (c !== runColour) {
          ctx.fillStyle = runColour;
          ctx.fillRect(runStart * CELL, row * CELL, (col - runStart) * CELL, CELL);
          runStart = col;
          runColour = c;
        }
      }
    }
    // Moving slots: the whole cell in the target's colour (what it will be), with a corner mark in the foreground colour.
    const mark = cssVar('--vscode-foreground', light ? '#333' : '#ccc');
    for (let s = 0; s < SLOTS; s++) {
      const tgt = m.target[s]!;
      if (tgt === NONE || m.done.has(s)) continue;
      const { col, row } = slotToCell(s);
      const x = col * CELL;
      const y = row * CELL;
      ctx.fillStyle = nodeColour(this.hueOf(m.nodes[tgt]!.id), theme);
      ctx.fillRect(x, y, CELL, CELL);
      ctx.fillStyle = mark;
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + CELL / 2, y);
      ctx.lineTo(x, y + CELL / 2);
      ctx.closePath();
      ctx.fill();
    }
    // Open slots: a thick outline in the warning colour.
    if (m.open.length > 0) {
      ctx.strokeStyle = cssVar('--vscode-editorWarning-foreground', '#cca700');
      ctx.lineWidth = 3;
      for (const o of m.open) {
        const { col, row } = slotToCell(o.slot);
        ctx.strokeRect(col * CELL + 1.5, row * CELL + 1.5, CELL - 3, CELL - 3);
      }
    }
    const marked = this.keyboardActive ? this.focusSlot : this.hoverSlot;
    if (marked !== NONE) {
      const { col, row } = slotToCell(marked);
      ctx.strokeStyle = cssVar('--vscode-focusBorder', '#007fd4');
      ctx.lineWidth = 2;
      ctx.strokeRect(col * CELL - 1, row * CELL - 1, CELL + 2, CELL + 2);
    }
  }

  /** One line describing a slot: number, owner, keys, move. */
  describeSlot(slot: number): string {
    const m = this.model;
    if (!m) return '';
    const parts = [this.t('tip.slot', slot)];
    const o = m.owner[slot]!;
    parts.push(o === NONE ? this.t('tip.none') : this.t('tip.owner', m.nodes[o]!.addr));
    if (m.keyCounts && m.keyCounts[slot]! >= 0) parts.push(this.t('tip.keys', this.fmt.n(m.keyCounts[slot]!)));
    else parts.push(this.t('tip.keysUnknown'));
    const mem = m.load?.memory[slot] ?? -1;
    if (mem >= 0) parts.push(this.t(m.load!.memoryEstimated ? 'tip.memoryEstimated' : 'tip.memory', this.fmt.bytes(mem)));
    const cpu = m.load?.cpu?.[slot] ?? -1;
    if (cpu >= 0) parts.push(this.t('tip.cpu', this.fmt.micros(cpu)));
    const tgt = m.target[slot]!;
    if (tgt !== NONE && !m.done.has(slot)) parts.push(this.t('tip.moving', m.nodes[tgt]!.addr));
    if (m.done.has(slot)) {
      const b = m.ownerBefore[slot]!;
      if (b !== NONE) parts.push(this.t('tip.moved', m.nodes[b]!.addr));
    }
    for (const os of m.open) {
      if (os.slot !== slot) continue;
      const node = m.nodes.find((n) => n.id === os.nodeId)?.addr ?? os.nodeId.slice(0, 8);
      const peer = m.nodes.find((n) => n.id === os.peerId)?.addr ?? os.peerId.slice(0, 8);
      parts.push(`${node} ${this.t('tip.open', this.t(os.state === 'migrating' ? 'open.migrating' : 'open.importing'), peer)}`);
    }
    return parts.join(' · ');
  }

  private describe(slot: number, announce: boolean): void {
    this.described = slot;
    const text = this.describeSlot(slot);
    this.tooltip.textContent = text;
    this.tooltip.hidden = false;
    const { col, row } = slotToCell(slot);
    const scale = this.canvas.clientWidth / GRID;
    const x = (col + 1) * scale + 8;
    const y = (row + 1) * scale + 8;
    const frameWidth = this.canvas.clientWidth;
    this.tooltip.style.left = `${Math.max(0, Math.min(x, frameWidth - this.tooltip.offsetWidth - 4))}px`;
    this.tooltip.style.top = `${y}px`;
    if (announce) this.status.textContent = text;
  }

  private onPointer(e: MouseEvent): void {
    const slot = slotAtPoint(e.offsetX, e.offsetY, this.canvas.clientWidth);
    if (slot === this.hoverSlot) return;
    this.hoverSlot = slot;
    if (slot === NONE) {
      this.tooltip.hidden = true;
      if (!this.keyboardActive) this.described = NONE;
    } else this.describe(slot, false);
    this.draw();
  }

  private onKey(e: KeyboardEvent): void {
    const steps: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: GRID,
      ArrowUp: -GRID,
      PageDown: GRID * 8,
      PageUp: -GRID * 8,
    };
    let next = this.focusSlot;
    if (e.key in steps) next += steps[e.key]!;
    else if (e.key === 'Home') next = e.ctrlKey ? 0 : this.focusSlot - (this.focusSlot % GRID);
    else if (e.key === 'End') next = e.ctrlKey ? SLOTS - 1 : this.focusSlot - (this.focusSlot % GRID) + GRID - 1;
    else if (e.key === 'Escape') {
      this.tooltip.hidden = true;
      return;
    } else return;
    e.preventDefault();
    this.focusSlot = Math.min(SLOTS - 1, Math.max(0, next));
    this.describe(this.focusSlot, true);
    this.draw();
  }
}

/** Slot numbers along the edges: the first slot of every 16th row on the left, column offsets on top. */
function axisLabels(): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (let row = 0; row < GRID; row += 16) {
    const el = h('span', { class: 'axis-y' }, String(row * GRID));
    el.style.top = `${(row / GRID) * 100}%`;
    out.push(el);
  }
  for (let col = 0; col < GRID; col += 32) {
    const el = h('span', { class: 'axis-x' }, `+${col}`);
    el.style.left = `${(col / GRID) * 100}%`;
    out.push(el);
  }
  return out;
}
