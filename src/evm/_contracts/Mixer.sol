// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// Tornado-Cash-style fixed-denomination ETH pool: same Deposit/Withdrawal events; no zk proof (test only:
/// the withdrawer presents the nullifier in clear).
contract Mixer {
    uint256 public immutable denomination;
    uint32 public nextIndex;
    mapping(bytes32 => bool) public commitments;
    mapping(bytes32 => bool) public nullifierHashes;

    event Deposit(bytes32 indexed commitment, uint32 leafIndex, uint256 timestamp);
    event Withdrawal(address to, bytes32 nullifierHash, address indexed relayer, uint256 fee);

    constructor(uint256 d) {
        denomination = d;
    }

    function deposit(bytes32 commitment) external payable {
        require(msg.value == denomination, "denomination");
        require(!commitments[commitment], "dup");
        commitments[commitment] = true;
        emit Deposit(commitment, nextIndex++, block.timestamp);
    }

    function withdraw(bytes32 secret, address payable to, address payable relayer, uint256 fee) external {
        bytes32 c = keccak256(abi.encodePacked(secret));
        require(commitments[c], "unknown");
        bytes32 n = keccak256(abi.encodePacked(c));
        require(!nullifierHashes[n], "spent");
        nullifierHashes[n] = true;
        emit Withdrawal(to, n, relayer, fee);
        (bool ok, ) = to.call{value: denomination - fee}("");
        require(ok, "pay");
        if (fee > 0) {
            (bool ok2, ) = relayer.call{value: fee}("");
            require(ok2, "fee");
        }
    }
}

/// THORChain-router-style bridge: the Deposit event carries the memo naming the destination (test only).
contract Bridge {
    event Deposit(address indexed to, address indexed asset, uint256 amount, string memo);

    function depositWithExpiry(address payable vault, address asset, uint256 amount, string calldata memo, uint256) external payable {
        require(asset == address(0) && msg.value == amount, "eth only");
        (bool ok, ) = vault.call{value: msg.value}("");
        require(ok, "vault");
        emit Deposit(vault, asset, amount, memo);
    }
}
