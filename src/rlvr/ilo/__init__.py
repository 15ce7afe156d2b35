"""ILO: how aligned a model's representations of translations are, layer by layer.

    from rlvr import ilo
    sentences = ilo.read_tsv(ilo.shipped_data())        # 200 Django UI sentences x 8 languages
    result = ilo.score_model("default", sentences)      # per-layer ILO (Wilie et al. 2025)
    ilo.write_outputs(result, "runs/ilo")               # ilo.json + ilo.png

`rlvr.ilo.parallel` extracts a parallel set from gettext catalogues; `rlvr.ilo.freeze`
freezes a model's first layers (the recipe key `algorithm.freeze_layers`). torch and
transformers are imported inside the functions.
"""

from rlvr.ilo.errors import IloError
from rlvr.ilo.parallel import Sentence, extract, read_tsv, write_tsv
from rlvr.ilo.run import score_model, shipped_data, write_outputs
from rlvr.ilo.score import LayerScore, layer_score

__all__ = ["IloError", "LayerScore", "Sentence", "extract", "layer_score", "read_tsv", "score_model", "shipped_data",
           "write_outputs"]
