#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    map<int, int> freq;
    for (int i = 0; i < n; i++) {
        int x;
        scanf("%d", &x);
        freq[x]++;
    }
    int best = -1, bestCount = 0;
    for (auto &p : freq) {
        if (p.second > bestCount) {
            bestCount = p.second;
            best = p.first;
        }
    }
    printf("%d %d\n", best, bestCount);
}
