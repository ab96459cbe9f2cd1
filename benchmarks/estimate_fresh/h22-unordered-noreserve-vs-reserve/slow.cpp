#include <bits/stdc++.h>
using namespace std;

// Insert n pseudo-random keys (first index wins), then answer generated lookups.
int main() {
    int n, q;
    unsigned long long seed;
    cin >> n >> q >> seed;
    unordered_map<unsigned, int> firstAt;
    unsigned long long x = seed;
    for (int i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned key = (unsigned)(x >> 33) % (unsigned)(4 * n);
        firstAt.emplace(key, i);
    }
    long long found = 0, sumIdx = 0;
    for (int i = 0; i < q; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned key = (unsigned)(x >> 33) % (unsigned)(4 * n);
        auto it = firstAt.find(key);
        if (it != firstAt.end()) { found++; sumIdx += it->second; }
    }
    cout << firstAt.size() << " " << found << " " << sumIdx << "\n";
    return 0;
}
