#include <deque>
#include <iostream>
using namespace std;

deque<int> a = {1, 2, 3, 4}, b = {9, 9, 9, 9};

int main() {
    for (int round = 0; round < 3; round++) {
        int cnt = 0;
        while (a != b) {
            a.push_back(a.front());
            a.pop_front();
            if (cnt >= 5) break;
            cnt++;
        }
        cout << a.front() << "\n";  // where the rotation stopped carries into the next round
    }
}
