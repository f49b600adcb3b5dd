/**
 * Synthetic corpora in the reference article format (Hugo front matter with a +08:00
 * date, a featured image whose path has a space, Chinese and English tags and
 * main_topics; a `>` lead, `###` headings, bold, footnotes under `## 引用`, one of them
 * never referenced). Deterministic: the same seed and count give byte-identical files.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const int = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

/** Zipf-like choice: low indexes are much more common, as with real tags. */
function zipf(rand: Rand, n: number, s = 1): number {
  // Inverse-CDF of a continuous power law over [1, n+1), good enough for overlap.
  const u = rand();
  if (s === 1) return Math.min(n - 1, Math.floor(Math.exp(u * Math.log(n + 1))) - 1);
  const a = 1 - s;
  return Math.min(n - 1, Math.floor(Math.pow(u * (Math.pow(n + 1, a) - 1) + 1, 1 / a)) - 1);
}

const CN_HEADS = ["数据", "模型", "芯片", "算力", "开源", "隐私", "云计算", "机器人", "自动驾驶", "大模型", "半导体", "智能体"];
const CN_TAILS = ["安全", "治理", "生态", "标注", "训练", "市场", "政策", "投资", "供应链", "监管"];
const EN_TAGS = [
  "Meta", "OpenAI", "Google", "Scale AI", "Nvidia", "Apple", "Microsoft", "Anthropic", "Hugging Face", "Mistral AI",
  "ByteDance", "Alibaba Cloud", "Tencent", "Baidu", "DeepSeek", "AMD", "Intel", "TSMC", "Samsung", "Tesla",
  "Amazon", "AWS", "Cloudflare", "GitHub", "Stability AI", "Databricks", "Snowflake", "Labelbox", "xAI", "Perplexity",
  "LLM", "RAG", "Open Source", "GPU", "Edge Computing", "AI Agents", "Data Poisoning", "Fine-tuning", "Vector Database", "Rust",
  "WebAssembly", "Kubernetes", "AT&T", "C++", "Llama", "Gemini", "Claude", "Qwen", "Transformer", "MoE",
  "HBM", "CUDA", "RISC-V", "Arm", "Quantum Computing", "5G", "Robotics", "Computer Vision", "Speech AI", "Multimodal",
  "Copyright", "EU AI Act", "Antitrust", "IPO", "Venture Capital", "Startups", "Cybersecurity", "Zero Trust", "Privacy", "Synthetic Data",
  "Benchmarks", "Inference", "Training Data", "Data Centers", "Energy", "Chips Act", "Export Controls", "Semiconductors", "Smartphones", "Wearables",
  "AR/VR", "Metaverse", "Search", "Advertising", "E-commerce", "Fintech", "Healthcare AI", "Education", "Gaming", "Social Media",
  "Cloud", "Serverless", "Databases", "DevOps", "Observability", "APIs", "Browsers", "Linux", "Android", "iOS",
];
/** ~200 tags: the reference article's first, then Chinese compounds and English names, interleaved. */
export const TAGS: readonly string[] = (() => {
  const reference = ["人工智能", "数据标注", "Meta", "OpenAI", "Google", "Scale AI", "数据安全", "AI战略", "竞争格局", "数据投毒"];
  const chinese = CN_HEADS.flatMap((h) => CN_TAILS.map((t) => h + t));
  const out: string[] = [...reference];
  for (let i = 0; out.length < 200; i++) {
    for (const candidate of [chinese[i], EN_TAGS[i]]) {
      if (candidate && !out.includes(candidate) && out.length < 200) out.push(candidate);
    }
  }
  return out;
})();

export const TOPICS: readonly string[] = [
  "产业生态与商业版图", "数据与开源生态", "投融资与市场洞察", "前沿技术与研究", "政策法规与治理", "安全与隐私",
  "芯片与算力基础设施", "应用落地与行业实践", "Developer Tools", "Open Source Ecosystem", "消费电子与终端", "人才与组织",
];

const CN_SENTENCES = [
  "在人工智能技术飞速发展的浪潮中，数据被誉为大模型的“新石油”，其重要性日益凸显",
  "这一战略性布局在为自身业务注入强心剂的同时，也迅速引发了行业巨头的强烈反应",
  "当下行业流传着一句话：“有多少人工、就有多少智能。”这并非戏言，而是对训练原理的高度概括",
  "高质量的开源数据集已被深度挖掘，优质的公开数据几乎殆尽，合成数据的比例正在快速上升",
  "研究表明，仅需污染不到0.7%的训练数据，就能有效绕过厂商的防御，导致模型输出的准确率大幅下降",
  "将核心数据交给一个被竞争对手控制的公司处理，无疑存在着巨大的战略风险",
  "随着顶尖公司对数据质量、安全和控制力的需求日益迫切，第三方服务商的信任模型正在发生根本性转变",
  "头部公司将更倾向于垂直整合，加大对内部数据采集、标注和清洗能力的投入",
  "市场将涌现出更多规模更小、但更专注于特定领域或提供更定制化服务的供应商",
  "在当下“时间就是金钱”的赛道，任何训练进程的拖延都可能意味着巨大的商业损失和竞争劣势",
  "分析人士指出，算力成本的持续下降正在改变创业公司与巨头之间的力量对比",
  "监管机构表示，将在未来十二个月内出台针对生成式模型的数据来源披露要求",
  "多家云厂商相继下调推理服务价格，开发者社区对此反应热烈",
  "开源社区的贡献者数量在过去一年翻了一番，其中来自亚洲的开发者增长最为显著",
  "业内人士认为，端侧部署将成为下一阶段竞争的焦点，功耗与延迟是关键指标",
  "这场由收购引发的“割席”事件，正是行业从技术竞赛走向生态系统全面对抗的一个缩影",
  "供应链的不确定性迫使企业重新评估其芯片采购策略与库存水平",
  "与传统网络攻击不同，这类攻击的隐蔽性极强，往往需要数月才能查明真相",
  "面对不可预知的风险，“防患于未然”成为了许多企业唯一的选择",
  "它提醒我们，未来不仅取决于算法的创新和算力的堆叠，更在于对高质量、可信数据的掌控",
];
const EN_SENTENCES = [
  "Analysts expect the deal to close before the end of the quarter, pending regulatory review.",
  "The company said the new model was trained on a mix of licensed, public and synthetic data.",
  "Open-weight releases have narrowed the gap with proprietary systems on most public benchmarks.",
  "Inference costs fell by roughly an order of magnitude over eighteen months.",
  "Several customers paused their contracts while they reviewed data-handling guarantees.",
  "The startup plans to use the funding to expand its annotation workforce and tooling.",
  "Regulators asked for details on how training data is sourced, filtered and audited.",
  "Engineers described the migration as painful but worth it for the latency gains.",
];
const HEADINGS = [
  "战略棋局：数据即未来", "信任鸿沟与隐性威胁", "重塑基础设施格局", "市场反应", "Why it matters", "技术细节",
  "监管动向", "What comes next", "行业影响", "开发者视角", "成本与收益", "风险与挑战",
];
const SOURCES = ["36氪", "新浪财经", "YouTube", "The Verge", "TechCrunch", "财新", "机器之心", "量子位", "Reuters", "Bloomberg"];
const AUTHORS = ["三易菌", "无作者", "Alex Chen", "李明", "Sarah Kim", "王小川"];

function sentence(rand: Rand, tags: readonly string[]): string {
  if (rand() < 0.18) return pick(rand, EN_SENTENCES);
  let s = pick(rand, CN_SENTENCES);
  // Mention one of the article's own tags now and then, sometimes in bold.
  if (rand() < 0.35) {
    const tag = pick(rand, tags);
    s = rand() < 0.5 ? `**${tag}**：${s}` : `${s}，${tag}的动向尤其值得关注`;
  }
  return s + "。";
}

function paragraph(rand: Rand, tags: readonly string[], footnote: boolean): string {
  const n = int(rand, 2, 4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(sentence(rand, tags));
  if (footnote) parts.push("[^1]");
  return parts.join("");
}

export interface GeneratedArticle {
  file: string;
  text: string;
}

const BASE = Date.UTC(2016, 0, 1);
const SPAN = Date.UTC(2025, 11, 31) - BASE;

function offsetDate(ms: number): string {
  // Written in +08:00, like the reference article.
  const local = new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}

/** Article `i` of a corpus with this seed. */
export function generateArticle(seed: number, i: number, bodyBytes: readonly [number, number] = [4000, 6500]): GeneratedArticle {
  const rand = prng((seed * 1_000_003 + i * 7919) >>> 0);
  const tagCount = int(rand, 4, 10);
  const tags = new Set<string>();
  while (tags.size < tagCount) tags.add(TAGS[zipf(rand, TAGS.length)]!);
  const topicCount = int(rand, 1, 3);
  const topics = new Set<string>();
  while (topics.size < topicCount) topics.add(TOPICS[zipf(rand, TOPICS.length, 0.8)]!);
  const tagList = [...tags];

  // A few articles are drafts, a few are dated in the future; the rest spread over ten years.
  const future = rand() < 0.003;
  const ms = future ? Date.UTC(2099, 0, 1) + Math.floor(rand() * 86400_000 * 365) : BASE + Math.floor(rand() * SPAN);
  const draft = rand() < 0.02;
  const day = new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
  const slug = `${day}-synthetic-${String(i).padStart(5, "0")}`;
  const lead = tagList.slice(0, 2).join("与");
  const title = rand() < 0.25
    ? `${pick(rand, EN_TAGS)} and ${pick(rand, EN_TAGS)} — ${pick(rand, HEADINGS)} (#${i})`
    : `${lead}：${pick(rand, HEADINGS)}，${pick(rand, CN_SENTENCES).slice(0, 18)}（${i}）`;
  const image = rand() < 0.7 ? `/images/default (${int(rand, 1, 9)}).png` : `/images/${day.slice(0, 4)}/cover ${i % 50}.jpg`;
  const summary = CN_SENTENCES.slice(0, 3).map((_, k) => pick(rand, CN_SENTENCES) + (k === 2 ? "。" : "，")).join("");

  const front = [
    "---",
    `title: ${title}`,
    `date: ${offsetDate(ms)}`,
    `draft: ${draft}`,
    `featured_image: ${image}`,
    `summary: ${summary}`,
    "tags: ",
    ...tagList.map((t) => `  - ${/[&:#]/.test(t) ? JSON.stringify(t) : t}`),
    "main_topics: ",
    ...[...topics].map((t) => `  - ${t}`),
    "---",
    "",
  ].join("\n");

  // ~5 KB bodies (4–6.5 KB of UTF-8) by default, like the reference; `bodyBytes` to choose.
  const target = int(rand, bodyBytes[0], bodyBytes[1]);
  const blocks: string[] = [`> ${paragraph(rand, tagList, false)}`, paragraph(rand, tagList, false)];
  let bytes = Buffer.byteLength(blocks.join("\n\n"));
  let sections = 0;
  while (bytes < target) {
    if (sections < 4 && rand() < 0.3) {
      blocks.push(`### ${pick(rand, HEADINGS)}`, paragraph(rand, tagList, rand() < 0.4));
      bytes += Buffer.byteLength(blocks[blocks.length - 2]!) + 2;
      sections++;
    } else if (rand() < 0.05) {
      blocks.push(`相关阅读：[${pick(rand, HEADINGS)}](/posts/${slug}/) · ![示意图](</images/figure ${i % 7}.png>)`);
    } else {
      blocks.push(paragraph(rand, tagList, rand() < 0.4));
    }
    bytes += Buffer.byteLength(blocks[blocks.length - 1]!) + 2;
  }
  const stamp = `${day.slice(0, 4)}/${Number(day.slice(5, 7))}/${Number(day.slice(8, 10))}`;
  const refs = ["## 引用", ...[1, 2, 3].map((n) =>
    `[^${n}]: ${pick(rand, HEADINGS)}·${pick(rand, SOURCES)}·${pick(rand, AUTHORS)}（${stamp}）·检索日期${stamp}`,
  )];
  // Every body references [^1]; [^2] and [^3] stay unreferenced, as in the reference.
  blocks[1] += "[^1]";
  return { file: `posts/${slug}.md`, text: `${front}\n${blocks.join("\n\n")}\n\n${refs.join("\n")}\n` };
}

/** Writes `count` articles into `dir` (created). Returns the number of bytes written. */
export async function writeCorpus(dir: string, count: number, seed = 42, bodyBytes: readonly [number, number] = [4000, 6500]): Promise<number> {
  await mkdir(join(dir, "posts"), { recursive: true });
  let total = 0;
  const batch = 200;
  for (let start = 0; start < count; start += batch) {
    const jobs: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const { file, text } = generateArticle(seed, i, bodyBytes);
      total += Buffer.byteLength(text);
      jobs.push(writeFile(join(dir, file), text));
    }
    await Promise.all(jobs);
  }
  return total;
}
