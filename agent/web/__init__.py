"""The local web page (`icp serve`): paste or drop research, read the draft ICP with its
evidence, browse a workspace's versions, ask questions. A thin layer over the core."""
