// A model family's score for a cosine similarity: CLIP-style logits, or SigLIP's sigmoid probability.
export function scoreFromCosine(info, cosine) {
  const logit = cosine * info.logitScale + info.logitBias;
  return info.scoring === 'sigmoid' ? 1 / (1 + Math.exp(-logit)) : logit;
}
