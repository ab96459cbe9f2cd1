#include <bits/stdc++.h>
using namespace std;

bool distinctDigits(int x) {
    vector<int> seen(10, 0);
    while (x > 0) {
        int d = x % 10;
        if (seen[d]) return false;
        seen[d] = 1;
        x /= 10;
    }
    return true;
}

int main() {
    int l, r;
    cin >> l >> r;
    int cnt = 0;
    long long last = -1;
    for (int x = l; x <= r; x++) {
        if (distinctDigits(x)) {
            cnt++;
            last = x;
        }
    }
    cout << cnt << " " << last << endl;
}
