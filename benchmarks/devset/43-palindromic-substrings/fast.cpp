#include <bits/stdc++.h>
using namespace std;

int main() {
    string s;
    cin >> s;
    int n = s.size();
    long long cnt = 0;
    int longest = 0;
    for (int c = 0; c < 2 * n - 1; c++) {
        int l = c / 2, r = l + c % 2;
        while (l >= 0 && r < n && s[l] == s[r]) {
            cnt++;
            longest = max(longest, r - l + 1);
            l--, r++;
        }
    }
    cout << cnt << " " << longest << endl;
}
