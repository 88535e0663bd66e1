SELECT handle, karma, bio
FROM accounts
WHERE karma >= $1
ORDER BY karma DESC, handle
