__version__ = "0.1.0"

from .layers import LayerSpec, find_layers
from .factors import Eig, KFACFactors, LayerEig
from .collect import collect_factors
