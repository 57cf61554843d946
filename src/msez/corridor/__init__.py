"""msez.corridor: corridors between zones (spec 40): the agreement layer and the state channel."""

from msez.corridor._chain import ChainHead, ChainVerifier, verify_chain
from msez.corridor._channel import StateChannelPolicy, Threshold
from msez.corridor._check import ReceiptChecker
from msez.corridor._envelope import noop_envelope, transition_envelope
from msez.corridor._genesis import genesis_root
from msez.corridor._receipt import new_receipt, sign_receipt

__all__ = [
    "ChainHead",
    "ChainVerifier",
    "verify_chain",
    "StateChannelPolicy",
    "Threshold",
    "ReceiptChecker",
    "genesis_root",
    "new_receipt",
    "sign_receipt",
    "noop_envelope",
    "transition_envelope",
]
