/** Collects figures and text from showcase sections into out/ (SVG files + report.html). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Report {
  dir: string;
  heading(text: string): void;
  text(text: string): void;
  figure(name: string, svg: string, caption: string): void;
  /** A line for the terminal summary as well as the report. */
  summary(line: string): void;
  write(): string;
}

export function createReport(dir = 'out'): Report {
  mkdirSync(dir, { recursive: true });
  const parts: string[] = [];
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return {
    dir,
    heading(text) {
      parts.push(`<h2>${esc(text)}</h2>`);
      console.log(`\n== ${text}`);
    },
    text(text) {
      parts.push(`<p>${esc(text)}</p>`);
    },
    figure(name, svg, caption) {
      writeFileSync(join(dir, name), svg);
      parts.push(`<figure><img src="${name}" alt="${esc(caption)}"/><figcaption>${esc(caption)}</figcaption></figure>`);
      console.log(`   figure: ${join(dir, name)}  (${caption})`);
    },
    summary(line) {
      parts.push(`<pre>${esc(line)}</pre>`);
      console.log(`   ${line}`);
    },
    write() {
      const html = `<!doctype html><meta charset="utf-8"><title>advect showcase</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}figure{display:inline-block;margin:8px}img{border:1px solid #ddd}</style>
<h1>advect showcase</h1>${parts.join('\n')}`;
      const path = join(dir, 'report.html');
      writeFileSync(path, html);
      return path;
    },
  };
}
