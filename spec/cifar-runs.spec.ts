/**
 * Reading a student's trained LeNet (src/cifar/artifacts.ts) and the files seam it reads through
 * (src/verify/files.ts): logs in JSON and CSV, the architecture check, a PyTorch state_dict (.npz)
 * mapped onto the key's LeNet, and bad artifacts — each refused with one message naming the
 * problem.  No CIFAR-10 data needed (the claims that evaluate on it are in the cifar spec).
 */
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backend.ts';
import { architectureDifference, evaluateRun, layersOfTopology, lenetFrom, lenetOps, loadTorchLeNet, readLog, type Op } from '../src/cifar/artifacts.ts';
import { initLeNetParams, type ParamArrays } from '../src/cifar/lenet.ts';
import { cifar10Dir } from '../src/data/cifar10.ts';
import { REFERENCE_SUBMISSION } from '../src/grading/fixtures.ts';
import { gradescopeResults, gradeSubmission } from '../src/grading/grade.ts';
import { submissionFiles } from '../src/verify/files.ts';
import { claimFailure, claimFailureAsync, fileFolders, npy } from './trained-files.ts';

const folder = fileFolders('dlspec-runs-');
const failure = claimFailure;
const failureAsync = claimFailureAsync;

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('the files seam: inside the folder, no links, bounded', () => {
  test('a file is read; "..", absolute paths, links, folders, missing and oversized files are refused by name', () => {
    const dir = folder({ 'a/b.txt': 'hello', 'big.bin': new Uint8Array(2048) });
    symlinkSync('/etc/passwd', path.join(dir, 'link'));
    const f = submissionFiles(dir);
    expect(new TextDecoder().decode(f.read('a/b.txt', 'the log', 100))).toBe('hello');
    expect(failure(() => f.read('../x', 'the log', 100))).toMatch(/must be a path inside your submission's folder/);
    expect(failure(() => f.read('/etc/passwd', 'the log', 100))).toMatch(/not absolute/);
    expect(failure(() => f.read('link', 'the log', 100))).toMatch(/symbolic link/);
    expect(failure(() => f.read('a', 'the log', 100))).toMatch(/is not a file/);
    expect(failure(() => f.read('nope.json', 'the log', 100))).toMatch(/"nope.json" is not in your submission/);
    expect(failure(() => f.read('big.bin', 'the model', 1000))).toMatch(/over the 0\.00 MB|over the/);
    expect(failure(() => f.read(42, 'the log', 100))).toMatch(/expected a path/);
  });

  test('with two folders, a path is looked for in each in turn', () => {
    const a = folder({ 'x.txt': 'A' }),
      b = folder({ 'y.txt': 'B' });
    const f = submissionFiles([a, b]);
    expect(new TextDecoder().decode(f.read('y.txt', 'y', 10))).toBe('B');
  });
});

describe('the per-epoch log', () => {
  test('JSON and CSV, fractions and percentages', () => {
    const dir = folder({
      'a.json': JSON.stringify([
        { epoch: 1, trainLoss: 2, testAccuracy: 0.4 },
        { epoch: 2, trainLoss: 1.5, testAccuracy: 0.5 },
      ]),
      'b.csv': 'epoch,train_loss,test_accuracy\n1,2.0,40\n2,1.5,50\n',
      'c.json': JSON.stringify({ epochs: [{ epoch: 1, train_loss: 2, test_accuracy: 0.4 }] }),
    });
    const f = submissionFiles(dir);
    expect(readLog(f, 'a.json', 'log').map((e) => e.testAccuracy)).toEqual([0.4, 0.5]);
    expect(readLog(f, 'b.csv', 'log').map((e) => e.testAccuracy)).toEqual([0.4, 0.5]);
    expect(readLog(f, 'c.json', 'log')[0].trainLoss).toBe(2);
  });

  test('bad logs: one message each', () => {
    const f = submissionFiles(folder({ 'e.json': '[]', 'bad.json': '[{"epoch": 1', 'nan.csv': 'epoch,train_loss,test_accuracy\n1,NaN,0.4\n', 'obj.json': '{"a": 1}' }));
    expect(failure(() => readLog(f, 'e.json', 'the log'))).toMatch(/no epochs/);
    expect(failure(() => readLog(f, 'bad.json', 'the log'))).toMatch(/not valid JSON/);
    expect(failure(() => readLog(f, 'nan.csv', 'the log'))).toMatch(/row 1 does not have three finite numbers/);
    expect(failure(() => readLog(f, 'obj.json', 'the log'))).toMatch(/expected a JSON array of epochs/);
  });
});

/** The key's LeNet as a tf.sequential (the layer list a student's model.save() writes). */
function sequentialLeNet(bn: boolean, opts: { firstKernel?: number; bnAfterRelu?: boolean } = {}): tf.Sequential {
  const m = tf.sequential();
  const block = (layer: tf.layers.Layer, last = false): void => {
    m.add(layer);
    if (last) return;
    if (bn && !opts.bnAfterRelu) m.add(tf.layers.batchNormalization({ epsilon: 1e-5 }));
    m.add(tf.layers.activation({ activation: 'relu' }));
    if (bn && opts.bnAfterRelu) m.add(tf.layers.batchNormalization({ epsilon: 1e-5 }));
  };
  block(tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 6, kernelSize: opts.firstKernel ?? 5 }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  block(tf.layers.conv2d({ filters: 16, kernelSize: 5 }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  block(tf.layers.dense({ units: 120 }));
  block(tf.layers.dense({ units: 84 }));
  block(tf.layers.dense({ units: 10 }), true);
  return m;
}

async function saved(m: tf.LayersModel): Promise<{ json: string; bin: Uint8Array }> {
  let out: { json: string; bin: Uint8Array } | undefined;
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      out = { json: JSON.stringify({ modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }), bin: new Uint8Array(a.weightData as ArrayBuffer) };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return out!;
}

const topologyOps = async (m: tf.LayersModel): Promise<Op[]> => layersOfTopology(JSON.parse((await saved(m)).json).modelTopology, 'the network');

describe("the architecture check: the text's LeNet, with BN or without", () => {
  test('the LeNet passes, BN before or after ReLU; a 3×3 first conv, a missing BN and a BN where none belongs are named', async () => {
    expect(architectureDifference(await topologyOps(sequentialLeNet(false)), false)).toBe('');
    expect(architectureDifference(await topologyOps(sequentialLeNet(true)), true)).toBe('');
    expect(architectureDifference(await topologyOps(sequentialLeNet(true, { bnAfterRelu: true })), true)).toBe('');
    expect(architectureDifference(await topologyOps(sequentialLeNet(false, { firstKernel: 3 })), false)).toMatch(/^layer 1 is a 3×3 convolution with 6 filters, expected a 5×5 convolution/);
    expect(architectureDifference(await topologyOps(sequentialLeNet(false)), true)).toMatch(/this network has no batch norm layer/);
    expect(architectureDifference(await topologyOps(sequentialLeNet(true)), false)).toMatch(/batch norm belongs to the P5\.3 network/);
    expect(architectureDifference(lenetOps(false).slice(0, -1), false)).toMatch(/is nothing, expected a fully connected layer of 10 units/);
  });

  test('a layer a LeNet does not use, channels-first data and a functional model are refused', () => {
    const seq = (layers: unknown[]) => ({ class_name: 'Sequential', config: { layers } });
    expect(failure(() => layersOfTopology(seq([{ class_name: 'LSTM', config: {} }]), 'the network'))).toMatch(/layer 1 is a LSTM layer/);
    expect(failure(() => layersOfTopology(seq([{ class_name: 'Conv2D', config: { data_format: 'channels_first' } }]), 'the network'))).toMatch(/channels_first/);
    expect(failure(() => layersOfTopology({ class_name: 'Model', config: { layers: [] } }, 'the network'))).toMatch(/tf\.sequential/);
    expect(failure(() => layersOfTopology(seq([{ class_name: 'Dense', config: { units: 10, activation: 'tanh' } }]), 'the network'))).toMatch(/activation tanh/);
    // a softmax on the last layer is accepted (argmax unchanged); anywhere else it is not ReLU
    expect(
      layersOfTopology(
        seq([
          { class_name: 'Dense', config: { units: 84, activation: 'relu' } },
          { class_name: 'Dense', config: { units: 10, activation: 'softmax' } },
        ]),
        'the network',
      ),
    ).toEqual([{ op: 'dense', units: 84 }, { op: 'relu' }, { op: 'dense', units: 10 }]);
    expect(
      failure(() =>
        layersOfTopology(
          seq([
            { class_name: 'Dense', config: { units: 84, activation: 'softmax' } },
            { class_name: 'Dense', config: { units: 10 } },
          ]),
          'the network',
        ),
      ),
    ).toMatch(/layer 1 uses the activation softmax/);
  });
});

/** The key's parameters as a PyTorch state_dict (OIHW convs, [out, in] linears, fc1's inputs in C,H,W order). */
function torchStateDict(p: ParamArrays, bn: boolean): Record<string, Uint8Array> {
  const conv = (w: Float32Array, [H, W, I, O]: number[]) => {
    const out = new Float32Array(w.length);
    for (let h = 0; h < H; h++) for (let x = 0; x < W; x++) for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) out[((o * I + i) * H + h) * W + x] = w[((h * W + x) * I + i) * O + o];
    return npy([O, I, H, W], out);
  };
  const dense = (w: Float32Array, N: number, O: number, chw?: [number, number, number]) => {
    const out = new Float32Array(w.length);
    for (let o = 0; o < O; o++) {
      for (let n = 0; n < N; n++) {
        let row = n;
        if (chw) {
          const [C, H, W] = chw;
          row = (Math.floor((n % (H * W)) / W) * W + (n % W)) * C + Math.floor(n / (H * W));
        }
        out[o * N + n] = w[row * O + o];
      }
    }
    return npy([O, N], out);
  };
  const v = (a: Float32Array) => npy([a.length], a);
  const sd: Record<string, Uint8Array> = {};
  const bnOf = (k: number, c: number) => {
    if (!bn) return;
    sd[`bn${k}.weight.npy`] = v(p[`bn${k}Gamma`]);
    sd[`bn${k}.bias.npy`] = v(p[`bn${k}Beta`]);
    sd[`bn${k}.running_mean.npy`] = v(p[`running:bn${k}Mean`] ?? new Float32Array(c));
    sd[`bn${k}.running_var.npy`] = v(p[`running:bn${k}Var`] ?? new Float32Array(c).fill(1));
  };
  sd['conv1.weight.npy'] = conv(p.conv1W, [5, 5, 3, 6]);
  sd['conv1.bias.npy'] = v(p.conv1b);
  bnOf(1, 6);
  sd['conv2.weight.npy'] = conv(p.conv2W, [5, 5, 6, 16]);
  sd['conv2.bias.npy'] = v(p.conv2b);
  bnOf(2, 16);
  sd['fc1.weight.npy'] = dense(p.fc1W, 400, 120, [16, 5, 5]);
  sd['fc1.bias.npy'] = v(p.fc1b);
  bnOf(3, 120);
  sd['fc2.weight.npy'] = dense(p.fc2W, 120, 84);
  sd['fc2.bias.npy'] = v(p.fc2b);
  bnOf(4, 84);
  sd['fc3.weight.npy'] = dense(p.fc3W, 84, 10);
  sd['fc3.bias.npy'] = v(p.fc3b);
  return sd;
}

describe("a PyTorch state_dict (.npz) is the key's LeNet", () => {
  for (const bn of [false, true]) {
    test(`${bn ? 'with' : 'without'} batch norm: the same parameters, the same logits`, async () => {
      const p = initLeNetParams({ init: 'he', batchNorm: bn, seed: 7 });
      for (const k of Object.keys(p)) if (/b$|Beta$/.test(k)) p[k] = p[k].map((_, i) => 0.01 * ((i % 7) - 3));
      if (bn)
        for (const [k, c] of [
          [1, 6],
          [2, 16],
          [3, 120],
          [4, 84],
        ]) {
          p[`running:bn${k}Mean`] = Float32Array.from({ length: c }, (_, i) => 0.1 * Math.sin(i));
          p[`running:bn${k}Var`] = Float32Array.from({ length: c }, (_, i) => 1 + 0.5 * Math.cos(i));
        }
      const f = submissionFiles(folder({ 'model.npz': zipSync(torchStateDict(p, bn)) }));
      const t = loadTorchLeNet(f, 'model.npz', 'the network', bn);
      expect(architectureDifference(t.ops, bn)).toBe('');
      for (const k of Object.keys(p)) expect(Array.from(t.params[k]), k).toEqual(Array.from(p[k]));
      const x = tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
      const a = lenetFrom(p, bn),
        b = lenetFrom(t.params, bn);
      expect(Array.from(await b.forward(x, false).data())).toEqual(Array.from(await a.forward(x, false).data()));
      a.dispose();
      b.dispose();
    });
  }

  test('a wrong network is named from its shapes; a file that is not an archive, a truncated array, float16 are refused', () => {
    const p = initLeNetParams({ init: 'he', batchNorm: false, seed: 1 });
    const sd = torchStateDict(p, false);
    sd['conv1.weight.npy'] = npy([6, 3, 3, 3], new Float32Array(162));
    const dir = folder({ 'wrong.npz': zipSync(sd), 'junk.npz': 'not a zip', 'cut.npz': zipSync({ 'conv1.weight.npy': npy([6, 3, 5, 5], new Float32Array(450)).subarray(0, 300) }) });
    const f = submissionFiles(dir);
    expect(architectureDifference(loadTorchLeNet(f, 'wrong.npz', 'the network', false).ops, false)).toMatch(/layer 1 is a 3×3 convolution/);
    expect(failure(() => loadTorchLeNet(f, 'junk.npz', 'the network', false))).toMatch(/is not a \.npz archive/);
    expect(failure(() => loadTorchLeNet(f, 'cut.npz', 'the network', false))).toMatch(/truncated/);
  });

  test('an archive that unpacks to far more than it holds (a zip bomb) is refused before it is inflated', () => {
    const bomb = zipSync({ 'conv1.weight.npy': new Uint8Array(60 * 2 ** 20) }, { level: 9 });
    expect(bomb.length).toBeLessThan(2 ** 20);
    const f = submissionFiles(folder({ 'bomb.npz': bomb }));
    expect(failure(() => loadTorchLeNet(f, 'bomb.npz', 'the network', false))).toMatch(/unpacks to over 40 MB/);
  });
});

describe('bad TF.js artifacts cost only their item, with one message', () => {
  const test1 = { images: new Uint8Array(3072 * 2), labels: new Uint8Array(2), n: 2 };
  test('corrupt JSON, missing or truncated weights, a wrong input shape', async () => {
    const good = await saved(sequentialLeNet(false));
    const manifest = JSON.parse(good.json);
    const dir = folder({
      'bad/model.json': '{"modelTopology": ',
      'noweights/model.json': good.json,
      'cut/model.json': good.json,
      'cut/weights.bin': good.bin.subarray(0, 1000),
      'ok/model.json': good.json,
      'ok/weights.bin': good.bin,
      'shape/model.json': JSON.stringify({
        ...manifest,
        modelTopology: {
          ...manifest.modelTopology,
          config: {
            ...manifest.modelTopology.config,
            layers: manifest.modelTopology.config.layers.map((l: { config: Record<string, unknown> }, i: number) =>
              i === 0 ? { ...l, config: { ...l.config, batch_input_shape: [null, 28, 28, 3] } } : l,
            ),
          },
        },
      }),
      'shape/weights.bin': good.bin,
    });
    const f = submissionFiles(dir);
    const run = (m: string) => evaluateRun(f, { model: m, log: 'x' }, 'the network', false, test1);
    expect(await failureAsync(() => run('bad/model.json'))).toMatch(/is not valid JSON/);
    expect(await failureAsync(() => run('noweights/model.json'))).toMatch(/weight file weights\.bin: "noweights\/weights\.bin" is not in your submission/);
    expect(await failureAsync(() => run('cut/model.json'))).toMatch(/truncated or mismatched/);
    expect(await failureAsync(() => run('shape/model.json'))).toMatch(/TF\.js could not build the model|\[N, 32, 32, 3\]/);
    expect(await failureAsync(() => run('ok/weights.bin'))).toMatch(/neither a TF\.js model\.json nor a PyTorch \.npz/);
    const ok = await run('ok/model.json');
    expect(ok.params).toBe(62006);
  });
});

describe('the layer list checked is the one tfjs builds', () => {
  const test1 = { images: new Uint8Array(3072 * 2), labels: new Uint8Array(2), n: 2 };
  const layer0 = (topo: { config: { layers: { config: Record<string, unknown> }[] } }, extra: Record<string, unknown>) => ({
    ...topo,
    config: { ...topo.config, layers: topo.config.layers.map((l, i) => (i === 0 ? { ...l, config: { ...l.config, ...extra } } : l)) },
  });

  test('a model_config, a camelCase twin of a key, a second className or a "__proto__" key cannot hide a 3×3 first conv or another layer', async () => {
    const good = await saved(sequentialLeNet(false)),
      k3 = await saved(sequentialLeNet(false, { firstKernel: 3 }));
    const topo = JSON.parse(good.json).modelTopology,
      topo3 = JSON.parse(k3.json).modelTopology;
    const specs = JSON.parse(good.json).weightsManifest[0].weights as { name: string }[];
    // the 3×3 network's weights under the 5×5 network's names, so tfjs would load them into the model it builds
    const weights3 = (JSON.parse(k3.json).weightsManifest[0].weights as { name: string }[]).map((w, i) => ({ ...w, name: specs[i].name }));
    const model = (t: unknown) => JSON.stringify({ modelTopology: t, weightsManifest: [{ paths: ['w.bin'], weights: weights3 }] });
    const twin = layer0(topo, { kernelSize: [3, 3] });
    const dir = folder({
      'mc/model.json': JSON.stringify({ modelTopology: { ...topo, model_config: topo3 }, weightsManifest: [{ paths: ['w.bin'], weights: JSON.parse(k3.json).weightsManifest[0].weights }] }),
      'mc/w.bin': k3.bin,
      'twin/model.json': model(twin),
      'twin/w.bin': k3.bin,
      'twin2/model.json': model(layer0(topo, { kernel__size: [3, 3] })),
      'twin2/w.bin': k3.bin,
      'cls/model.json': JSON.stringify({
        modelTopology: { ...topo, config: { ...topo.config, layers: topo.config.layers.map((l: object, i: number) => (i === 1 ? { ...l, className: 'LeakyReLU' } : l)) } },
        weightsManifest: JSON.parse(good.json).weightsManifest,
      }),
      'cls/weights.bin': good.bin,
      // tfjs sets a "__proto__" key as the config's prototype: conv1 would read its activation from it
      'proto/model.json': good.json.replace('"activation":"linear"', '"__proto__":{"activation":"tanh"}'),
      'proto/weights.bin': good.bin,
    });
    const f = submissionFiles(dir);
    const run = (m: string) => evaluateRun(f, { model: m, log: 'x' }, 'the network', false, test1);
    expect(architectureDifference(layersOfTopology({ ...topo, model_config: topo3 }, 'the network'), false)).toMatch(/^layer 1 is a 3×3 convolution/);
    expect(architectureDifference(layersOfTopology(twin, 'the network'), false)).toMatch(/^layer 1 is a 3×3 convolution/);
    for (const m of ['mc', 'twin', 'twin2']) expect(await failureAsync(() => run(`${m}/model.json`)), m).toMatch(/layer 1 is a 3×3 convolution/);
    expect(await failureAsync(() => run('cls/model.json'))).toMatch(/layer 2 is a LeakyReLU layer/);
    expect(await failureAsync(() => run('proto/model.json'))).toMatch(/"__proto__" key/);
  });

  test("an input other than 32×32×3 is refused before tfjs builds (and allocates) the network; a converter's model_config around a LeNet is read", async () => {
    const good = await saved(sequentialLeNet(false));
    const topo = JSON.parse(good.json).modelTopology;
    expect(failure(() => layersOfTopology(layer0(topo, { batch_input_shape: [null, 2500, 2500, 3] }), 'the network'))).toMatch(/layer 1 takes inputs of shape \[2500,2500,3\]/);
    expect(failure(() => layersOfTopology(layer0(topo, { batch_input_shape: undefined, input_shape: [64, 64, 3] }), 'the network'))).toMatch(/takes inputs of shape \[64,64,3\]/);
    expect(failure(() => layersOfTopology(layer0(topo, { padding: JSON.parse('['.repeat(5000) + ']'.repeat(5000)) }), 'the network'))).toMatch(/nested more than 32 levels/);
    const f = submissionFiles(
      folder({
        'model.json': JSON.stringify({ modelTopology: { keras_version: 'tfjs-layers 4.22.0', model_config: topo }, weightsManifest: JSON.parse(good.json).weightsManifest }),
        'weights.bin': good.bin,
      }),
    );
    expect((await evaluateRun(f, { model: 'model.json', log: 'x' }, 'the network', false, test1)).params).toBe(62006);
  });
});

describe.skipIf(!cifar10Dir())('the graded runs in results.json', () => {
  test("the reference's three networks pass; the He and BN test accuracies are leaderboard entries", async () => {
    const r = await gradeSubmission(REFERENCE_SUBMISSION, { course: 'ELEG5491', topicIds: ['cifar'] });
    for (const id of ['cifar.train-curves', 'cifar.he-accuracy', 'cifar.bn-accuracy']) expect(r.claims[id].status, r.claims[id].message).toBe('passed');
    const board = gradescopeResults(r).leaderboard as { name: string; value: number; order: string }[];
    expect(board.map((e) => e.name)).toEqual(['P5.2 He init: test accuracy (%)', 'P5.3 batch norm: test accuracy (%)']);
    for (const e of board) expect(e.value).toBeGreaterThan(50);
  }, 120_000);
});
