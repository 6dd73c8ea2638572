// The network `hardhat node` serves (bench/evm.bench.js --node hardhat3): the same chain settings as the Hardhat 2 node
// the bench starts (chain 31337, cancun, 100M gas blocks, 50 accounts).
export default {
  networks: {
    node: {
      type: 'edr-simulated',
      chainType: 'l1',
      chainId: 31337,
      hardfork: 'cancun',
      blockGasLimit: 100_000_000n,
      accounts: { count: 50 },
    },
  },
}
