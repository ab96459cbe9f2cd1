#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

int main() {
    vector<int> a = {1, 1, 2};
    int x = 1;
    for (int i = 0; i < 3; i++) {
        cout << count(a.begin(), a.end(), x) << "\n";
        x++;
    }
}
