#include <bits/stdc++.h>
using namespace std;

// Count N-queens placements: build every column permutation, check diagonals at the leaf.
int n;
int col[16];
bool used[16];
long long solutions = 0, checksum = 0;

bool valid() {
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (abs(col[i] - col[j]) == j - i) return false;
    return true;
}

void place(int row) {
    if (row == n) {
        if (valid()) {
            solutions++;
            long long h = 0;
            for (int i = 0; i < n; i++) h = h * 31 + col[i];
            checksum ^= h;
        }
        return;
    }
    for (int c = 0; c < n; c++) {
        if (used[c]) continue;
        used[c] = true;
        col[row] = c;
        place(row + 1);
        used[c] = false;
    }
}

int main() {
    scanf("%d", &n);
    place(0);
    printf("%lld %lld\n", solutions, checksum);
    return 0;
}
