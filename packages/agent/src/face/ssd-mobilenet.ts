/**
 * face-api's SSD MobileNet v1 face detector with a lean forward pass. Runs in the face worker.
 *
 * Why: face-api's own forward pass (SsdMobilenetv1.forwardInput) wraps the whole backbone in one tf.tidy, so
 * the output of every one of its 27 convolutions — and the bias and ReLU6 results next to each — stays
 * allocated until the last layer: about 120 MB of float32 activations at the detector's fixed 512×512 input.
 * On the WASM backend those allocations grow a WebAssembly.Memory, which never shrinks, so the agent kept
 * them for its whole life. Here:
 *   - each layer is one fused kernel (convolution + bias + ReLU6; the depthwise layers' batch normalisation
 *     is folded into their filters and bias once), so a layer allocates one tensor, not three;
 *   - each layer's input is freed as soon as the next layer has read it (layer 11's output is kept for
 *     the first box predictor).
 * At most two large tensors are alive at a time (16 MB at layer 1). The result agrees with face-api's to
 * within float rounding (the folding reorders a multiplication): on the face fixtures every descriptor
 * distance is the same to 5 decimals.
 *
 * Only forwardInput is replaced: face-api's locateFaces (non-max suppression, undoing the padding,
 * FaceDetection objects) runs unchanged on its result. The layer layout is the model's: MobileNet v1 (a
 * 3×3 convolution, then 13 depthwise + 1×1 pairs), four extra feature maps, six SSD box predictors, and the
 * box coder of the TensorFlow Object Detection API (centre/size offsets scaled by 10 and 5 against fixed
 * anchors).
 */
import type * as Tf from "@tensorflow/tfjs";
import type * as FaceApi from "@vladmandic/face-api/dist/face-api.node-wasm.js";

type Tensor1D = Tf.Tensor1D;
type Tensor2D = Tf.Tensor2D;
type Tensor4D = Tf.Tensor4D;

/** The model's weights as face-api names them (its declared types are its own copy of tfjs's). */
interface PointwiseWeights {
  readonly filters: Tensor4D;
  readonly batch_norm_offset: Tensor1D;
}
interface DepthwiseWeights {
  readonly filters: Tensor4D;
  readonly batch_norm_scale: Tensor1D;
  readonly batch_norm_offset: Tensor1D;
  readonly batch_norm_mean: Tensor1D;
  readonly batch_norm_variance: Tensor1D;
}
interface ConvWeights {
  readonly filters: Tensor4D;
  readonly bias: Tensor1D;
}
interface BoxPredictorWeights {
  readonly box_encoding_predictor: ConvWeights;
  readonly class_predictor: ConvWeights;
}
/** Backbone pairs conv_1 … conv_13 (depthwise + 1×1), in order. */
const PAIRS = ["conv_1", "conv_2", "conv_3", "conv_4", "conv_5", "conv_6", "conv_7", "conv_8", "conv_9", "conv_10", "conv_11", "conv_12", "conv_13"] as const;
/** Box predictors, in the order of their feature maps (pair 11, pair 13, the four extra maps). */
const PREDICTORS = ["box_predictor_0", "box_predictor_1", "box_predictor_2", "box_predictor_3", "box_predictor_4", "box_predictor_5"] as const;
interface SsdWeights {
  readonly mobilenetv1: { readonly conv_0: PointwiseWeights } & Record<(typeof PAIRS)[number], { readonly depthwise_conv: DepthwiseWeights; readonly pointwise_conv: PointwiseWeights }>;
  readonly prediction_layer: Record<`conv_${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7}`, PointwiseWeights> & Record<(typeof PREDICTORS)[number], BoxPredictorWeights>;
  readonly output_layer: { readonly extra_dim: Tf.Tensor3D };
}

/** A depthwise layer's filters and bias with its batch normalisation folded in. */
interface FoldedDepthwise {
  readonly filter: Tensor4D;
  readonly bias: Tensor1D;
}

/** The detector's input: every image is padded to a square and resized to this (face-api's choice). */
export const SSD_INPUT_SIZE = 512;
/** The epsilon the model's batch normalisation was trained with (1e-3 as float32). */
const BATCH_NORM_EPSILON = 0.0010000000474974513;
/** Backbone pairs whose depthwise convolution has stride 2. */
const STRIDE_2_PAIRS = new Set([2, 4, 6, 12]);
/** The backbone pair whose output feeds the first box predictor. */
const FIRST_FEATURE_PAIR = 11;
/** Box coder scale factors of the model: y and x offsets ÷ 10, height and width (log) ÷ 5. */
const CENTRE_SCALE = 10;
const SIZE_SCALE = 5;

/** filter·s and offset − mean·s with s = scale / √(variance + ε): batch normalisation after the convolution, folded in. */
function foldBatchNorm(tf: typeof Tf, w: DepthwiseWeights): FoldedDepthwise {
  return tf.tidy(() => {
    const s = tf.div(w.batch_norm_scale, tf.sqrt(tf.add(w.batch_norm_variance, BATCH_NORM_EPSILON)));
    return {
      filter: tf.mul(w.filters, tf.reshape(s, [1, 1, -1, 1])) as Tensor4D,
      bias: tf.sub(w.batch_norm_offset, tf.mul(w.batch_norm_mean, s)) as Tensor1D,
    };
  });
}

/** The forward pass over one set of loaded weights. */
class LeanSsd {
  private readonly folded: readonly FoldedDepthwise[];

  constructor(
    private readonly tf: typeof Tf,
    readonly w: SsdWeights,
  ) {
    this.folded = PAIRS.map((pair) => foldBatchNorm(tf, w.mobilenetv1[pair].depthwise_conv));
  }

  /** Frees the folded filters and biases (the weights themselves belong to face-api's network). */
  dispose(): void {
    this.tf.dispose(this.folded.flatMap((f) => [f.filter, f.bias]));
  }

  /** Convolution (1×1; 3×3 for layer 0 and the extra maps' stride-2 layers) + bias + ReLU6, one kernel. */
  private pointwise(x: Tensor4D, w: PointwiseWeights, strides: [number, number]): Tensor4D {
    return this.tf.fused.conv2d({ x, filter: w.filters, strides, pad: "same", bias: w.batch_norm_offset, activation: "relu6" });
  }

  /** Depthwise 3×3 convolution + (folded) batch normalisation + ReLU6, one kernel. */
  private depthwise(x: Tensor4D, f: FoldedDepthwise, strides: [number, number]): Tensor4D {
    return this.tf.fused.depthwiseConv2d({ x, filter: f.filter, strides, pad: "same", bias: f.bias, activation: "relu6" });
  }

  /** The MobileNet v1 backbone on a normalised batch (disposed here): the last pair's output and pair 11's. */
  backbone(input: Tensor4D): { last: Tensor4D; pair11: Tensor4D } {
    let x = this.pointwise(input, this.w.mobilenetv1.conv_0, [2, 2]);
    input.dispose();
    let pair11: Tensor4D | undefined;
    for (const [i, pair] of PAIRS.entries()) {
      const n = i + 1;
      const dw = this.depthwise(x, this.folded[i]!, STRIDE_2_PAIRS.has(n) ? [2, 2] : [1, 1]);
      if (x !== pair11) x.dispose();
      x = this.pointwise(dw, this.w.mobilenetv1[pair].pointwise_conv, [1, 1]);
      dw.dispose();
      if (n === FIRST_FEATURE_PAIR) pair11 = x;
    }
    if (!pair11) throw new Error("ssd backbone: no output for pair 11");
    return { last: x, pair11 };
  }

  /** Box encodings [1, anchors, 4] and class logits [1, anchors, 3] of one feature map. */
  private predict(features: Tensor4D, w: BoxPredictorWeights): { boxes: Tf.Tensor3D; classes: Tf.Tensor3D } {
    const conv = (c: ConvWeights) => this.tf.add(this.tf.conv2d(features, c.filters, [1, 1], "same"), c.bias);
    return { boxes: this.tf.reshape(conv(w.box_encoding_predictor), [1, -1, 4]), classes: this.tf.reshape(conv(w.class_predictor), [1, -1, 3]) };
  }

  /** Anchors [n, 4] (ymin, xmin, ymax, xmax) + encodings [n, 4] (ty, tx, th, tw) → boxes [n, 4] (ymin, xmin, ymax, xmax). */
  private decodeBoxes(anchors: Tensor2D, encodings: Tensor2D): Tensor2D {
    const tf = this.tf;
    const [aYmin, aXmin, aYmax, aXmax] = tf.unstack(tf.transpose(anchors, [1, 0])) as [Tensor1D, Tensor1D, Tensor1D, Tensor1D];
    const height = tf.sub(aYmax, aYmin);
    const width = tf.sub(aXmax, aXmin);
    const yCentre = tf.add(aYmin, tf.div(height, 2));
    const xCentre = tf.add(aXmin, tf.div(width, 2));
    const [ty, tx, th, tw] = tf.unstack(tf.transpose(encodings, [1, 0])) as [Tensor1D, Tensor1D, Tensor1D, Tensor1D];
    const halfHeight = tf.div(tf.mul(tf.exp(tf.div(th, SIZE_SCALE)), height), 2);
    const y = tf.add(tf.mul(tf.div(ty, CENTRE_SCALE), height), yCentre);
    const halfWidth = tf.div(tf.mul(tf.exp(tf.div(tw, SIZE_SCALE)), width), 2);
    const x = tf.add(tf.mul(tf.div(tx, CENTRE_SCALE), width), xCentre);
    return tf.transpose(tf.stack([tf.sub(y, halfHeight), tf.sub(x, halfWidth), tf.add(y, halfHeight), tf.add(x, halfWidth)]), [1, 0]) as Tensor2D;
  }

  /** The six predictors' boxes and face scores for one image (call inside tf.tidy: the feature maps are small). */
  detections(last: Tensor4D, pair11: Tensor4D): { boxes: Tensor2D[]; scores: Tensor1D[] } {
    const tf = this.tf;
    const p = this.w.prediction_layer;
    // Four extra feature maps after the backbone, each half the size of the one before.
    const c1 = this.pointwise(this.pointwise(last, p.conv_0, [1, 1]), p.conv_1, [2, 2]);
    const c3 = this.pointwise(this.pointwise(c1, p.conv_2, [1, 1]), p.conv_3, [2, 2]);
    const c5 = this.pointwise(this.pointwise(c3, p.conv_4, [1, 1]), p.conv_5, [2, 2]);
    const c7 = this.pointwise(this.pointwise(c5, p.conv_6, [1, 1]), p.conv_7, [2, 2]);
    const predictions = [pair11, last, c1, c3, c5, c7].map((features, i) => this.predict(features, p[PREDICTORS[i]!]));
    const encodings = tf.reshape(tf.concat(predictions.map((q) => q.boxes), 1), [-1, 4]) as Tensor2D;
    const classes = tf.concat(predictions.map((q) => q.classes), 1);
    const anchors = tf.reshape(this.w.output_layer.extra_dim, [-1, 4]) as Tensor2D;
    const boxes = tf.reshape(this.decodeBoxes(anchors, encodings), [1, -1, 4]);
    // Class 0 is the background, class 1 "face".
    const scores = tf.reshape(tf.sigmoid(tf.slice(classes, [0, 0, 1], [-1, -1, 1])), [1, -1]);
    return { boxes: tf.unstack(boxes) as Tensor2D[], scores: tf.unstack(scores) as Tensor1D[] };
  }
}

/** A face-api SsdMobilenetv1 (load it with loadFromDisk) with the lean forward pass above. */
export function createSsdMobilenetv1(api: typeof FaceApi): FaceApi.SsdMobilenetv1 {
  const tf = api.tf as unknown as typeof Tf;
  class LeanSsdMobilenetv1 extends api.SsdMobilenetv1 {
    #lean: LeanSsd | undefined;

    override forwardInput(input: FaceApi.NetInput): ReturnType<FaceApi.SsdMobilenetv1["forwardInput"]> {
      const lean = this.#leanPass();
      // Pixels 0…255 → −1…1, as the model was trained.
      const batch = tf.tidy(() => tf.sub(tf.div(tf.cast(input.toBatchTensor(SSD_INPUT_SIZE, false) as unknown as Tensor4D, "float32"), 127.5), 1) as Tensor4D);
      const { last, pair11 } = lean.backbone(batch);
      try {
        return tf.tidy(() => lean.detections(last, pair11)) as unknown as ReturnType<FaceApi.SsdMobilenetv1["forwardInput"]>;
      } finally {
        last.dispose();
        pair11.dispose();
      }
    }

    override dispose(throwOnRedispose?: boolean): void {
      this.#lean?.dispose();
      this.#lean = undefined;
      super.dispose(throwOnRedispose);
    }

    /** The pass for the weights loaded now (made on first use, again if other weights were loaded since). */
    #leanPass(): LeanSsd {
      const w = this.params as unknown as SsdWeights | undefined;
      if (!w) throw new Error("SsdMobilenetv1: load the model before detecting");
      if (this.#lean?.w !== w) {
        this.#lean?.dispose();
        this.#lean = new LeanSsd(tf, w);
      }
      return this.#lean;
    }
  }
  return new LeanSsdMobilenetv1();
}
