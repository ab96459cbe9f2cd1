#include <bits/stdc++.h>
using namespace std;

// A robot walks a grid by a move string; report distinct cells and the most-visited cell.
int main() {
    int n;
    string moves;
    cin >> n >> moves;
    // one 64-bit key per visit, ordered as (x, y) pairs are: sort, then count runs
    const long long OFF = 1 << 20;
    vector<long long> keys;
    keys.reserve(moves.size() + 1);
    int x = 0, y = 0;
    keys.push_back((x + OFF) << 21 | (y + OFF));
    for (char c : moves) {
        if (c == 'U') y++;
        else if (c == 'D') y--;
        else if (c == 'L') x--;
        else x++;
        keys.push_back((x + OFF) << 21 | (y + OFF));
    }
    sort(keys.begin(), keys.end());
    size_t distinct = 0;
    int best = 0;
    long long bestKey = keys[0];
    for (size_t i = 0; i < keys.size();) {
        size_t j = i;
        while (j < keys.size() && keys[j] == keys[i]) j++;
        distinct++;
        if ((int)(j - i) > best) { best = (int)(j - i); bestKey = keys[i]; }
        i = j;
    }
    int bx = (int)((bestKey >> 21) - OFF), by = (int)((bestKey & ((1LL << 21) - 1)) - OFF);
    printf("%zu %d %d %d\n", distinct, best, bx, by);
    return 0;
}
